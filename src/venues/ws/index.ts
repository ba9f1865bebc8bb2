export {
  ABNORMAL_CLOSURE,
  openWebSocket,
  WsConnection,
  type OpenWebSocketOptions,
  type WsClose,
} from './web-socket.js';
