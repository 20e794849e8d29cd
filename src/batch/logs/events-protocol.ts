/**
 * CloudWatch Logs' JSON 1.1 protocol with one shortcut, handed to the Logs client by clients.ts (the SDK takes a
 * protocol class in its config). A successful GetLogEvents answer is read with JSON.parse (page-json.ts) and handed
 * over as is, instead of through the SDK's schema walk (a JSON.parse reviver on every value, then a copy of every one of up
 * to 10,000 events a page). The answer is plain JSON already, numbers and strings, so the result is the same
 * (test/unit/batch/logs/events-protocol.test.ts) and a million lines are read about 20% faster (bench/README.md, B2).
 * Every other operation, and every error, goes the SDK's own way.
 */
import type * as protocols from '@aws-sdk/core/protocols'

import {parsePage} from './page-json'

/** The SDK's JSON 1.1 protocol class (the one the Logs client uses by default). */
type Protocol = (typeof protocols)['AwsJson1_1Protocol']
type DeserializeArgs = Parameters<InstanceType<Protocol>['deserializeResponse']>

/**
 * The emulator's word that a stream's writer is done (src/emulator/contract.ts; the emulator and the client share no
 * code, test/unit/batch/logs/events-protocol.test.ts checks the two names agree). CloudWatch never sends it.
 */
export const STREAM_ENDED_HEADER = 'x-mfbatch-stream-ended'

/** A GetLogEvents answer, with `$streamEnded` when the endpoint said the stream is complete (never from AWS). */
export interface StreamEndNote {
  $streamEnded?: boolean
}

export function withFastGetLogEvents(Base: Protocol): Protocol {
  return class FastGetLogEvents extends Base {
    override async deserializeResponse<Output>(...args: DeserializeArgs): Promise<Output> {
      const [operation, context, response] = args
      if (operation.name !== 'GetLogEvents' || response.statusCode !== 200) {
        return super.deserializeResponse(operation, context, response) as Promise<Output>
      }

      const chunks: Buffer[] = []
      for await (const chunk of response.body as AsyncIterable<Buffer | string | Uint8Array>) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
      }

      // Parsed in pieces (page-json.ts): one 1 MB string a page would outlive its page in V8's old generation.
      const output = parsePage(Buffer.concat(chunks))
      output.$metadata = this.deserializeMetadata(response)
      if (response.headers[STREAM_ENDED_HEADER] === 'true') output.$streamEnded = true
      return output as Output
    }
  }
}
