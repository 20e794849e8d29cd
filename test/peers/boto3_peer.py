"""Drives the mfbatch emulator with boto3, for test/peers/boto3.test.ts.

usage: boto3_peer.py ENDPOINT COMMAND JSON-ARGS

Prints one JSON document on stdout. An AWS error is a result, not a crash:
{"error": {"status": 400, "code": "ClientException", "message": "..."}}.

Commands:
  call      {"service", "operation", "params", "validate"?}   one API call (validate false: no client-side checks)
  paginate  {"service", "operation", "params"}                every page through boto3's own paginator
  wait      {"jobId", "statuses", "timeout"}                 describe_jobs until the job has one of the statuses
  read_log  {"group", "stream"}                              get_log_events forward until the token repeats
"""

import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def client(endpoint, service, validate=True):
    # One attempt: the tests must see the emulator's own answers, not what a retry papered over.
    config = Config(parameter_validation=validate, retries={"max_attempts": 1, "mode": "standard"},
                    connect_timeout=3, read_timeout=10)
    # The emulator's own credentials come from the environment (mfbatch emulator env).
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", config=config)


def strip(response):
    response.pop("ResponseMetadata", None)
    return response


def call(endpoint, args):
    api = client(endpoint, args["service"], args.get("validate", True))
    return strip(getattr(api, args["operation"])(**args.get("params", {})))


def paginate(endpoint, args):
    api = client(endpoint, args["service"])
    pages = api.get_paginator(args["operation"]).paginate(**args.get("params", {}))
    return {"pages": [strip(page) for page in pages]}


def wait(endpoint, args):
    api = client(endpoint, "batch")
    deadline = time.monotonic() + args.get("timeout", 60)
    polls = 0
    while True:
        jobs = api.describe_jobs(jobs=[args["jobId"]])["jobs"]
        polls += 1
        if jobs and jobs[0]["status"] in args["statuses"]:
            return {"job": jobs[0], "polls": polls}
        if time.monotonic() > deadline:
            return {"timedOut": True, "job": jobs[0] if jobs else None, "polls": polls}
        time.sleep(0.2)


def read_log(endpoint, args):
    # can_paginate('get_log_events') is False in boto3: follow nextForwardToken by hand until it comes back unchanged,
    # which is how CloudWatch Logs says "end of stream".
    api = client(endpoint, "logs")
    params = {"logGroupName": args["group"], "logStreamName": args["stream"], "startFromHead": True}
    messages, calls, token = [], 0, None
    while calls < 50:
        page = api.get_log_events(**params, **({"nextToken": token} if token else {}))
        calls += 1
        messages += [event["message"] for event in page["events"]]
        if page["nextForwardToken"] == token:
            return {"messages": messages, "calls": calls, "endedOnSameToken": True}
        token = page["nextForwardToken"]
    return {"messages": messages, "calls": calls, "endedOnSameToken": False}


COMMANDS = {"call": call, "paginate": paginate, "wait": wait, "read_log": read_log}


def main():
    endpoint, command, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    try:
        result = COMMANDS[command](endpoint, args)
    except ClientError as error:
        result = {"error": {"status": error.response["ResponseMetadata"].get("HTTPStatusCode"),
                            "code": error.response["Error"].get("Code"),
                            "message": error.response["Error"].get("Message")}}
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
