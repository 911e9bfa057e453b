/**
 * The gateway as a Cloudflare Worker, bundled by esbuild for workerd (see gateway-worker.test.ts).
 * Objects live in a Map for the worker's lifetime; the key pair comes from the bindings.
 */
import { createGateway, memoryStorage, type GatewayHandler } from '../../src/gateway/gateway.js';

interface Env {
  readonly ACCESS_KEY_ID: string;
  readonly SECRET_ACCESS_KEY: string;
}

let gateway: GatewayHandler | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    gateway ??= createGateway({
      storage: memoryStorage(),
      secretFor: (id) => (id === env.ACCESS_KEY_ID ? env.SECRET_ACCESS_KEY : undefined),
    });
    return gateway(request, request.headers.get('cf-connecting-ip') ?? undefined);
  },
};
