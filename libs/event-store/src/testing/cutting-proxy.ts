import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can cut a connection the moment the server starts to
 * answer: the server has done the work (for an autocommit statement: committed), the client never
 * hears about it. That is the "ambiguous commit" a retry must survive.
 */
export interface CuttingProxy {
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string;
  /** Cuts the next connection on which the server sends anything; resolves when it did. */
  cutOnNextResponse(): Promise<void>;
  close(): Promise<void>;
}

export const startCuttingProxy = async (targetUrl: string): Promise<CuttingProxy> => {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let armed: (() => void) | null = null;

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (armed) {
        const done = armed;
        armed = null;
        cut();
        done();
        return;
      }
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', () => {
        sockets.delete(socket);
        cut();
      });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    through: (url) => {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    cutOnNextResponse: () => new Promise<void>((resolve) => (armed = resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
