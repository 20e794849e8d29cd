/** The emulated CloudWatch Logs service; see service.ts. */
export {createLogsService, type LogsService, type LogsServiceOptions} from './service'
