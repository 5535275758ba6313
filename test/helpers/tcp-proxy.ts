// A TCP proxy in front of a database, for outage tests: it forwards, refuses
// (stops listening and drops every connection, as a stopped server does) or
// black-holes (accepts connections and holds every byte either way, as a cut
// network does; what was held is delivered once it forwards again).
import net from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  /** bytes held while black-holed, each way */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export interface TcpProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  forward(): Promise<void>;
  refuse(): Promise<void>;
  blackhole(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const pairs = new Set<Pair>();
  let server: net.Server | null = null;
  let port = 0;

  const drop = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };
  const connectUpstream = (pair: Pair) => {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'forward') pair.client.write(chunk);
      else pair.toClient.push(chunk);
    });
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    for (const chunk of pair.toUpstream.splice(0)) upstream.write(chunk);
  };
  const onConnection = (client: net.Socket) => {
    const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (mode === 'forward' && pair.upstream) pair.upstream.write(chunk);
      else pair.toUpstream.push(chunk);
    });
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (mode === 'forward') connectUpstream(pair);
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        port = (s.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();

  const proxy: TcpProxy = {
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    async forward() {
      if (!server) await listen();
      mode = 'forward';
      for (const pair of pairs) {
        if (!pair.upstream) connectUpstream(pair);
        else for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
        for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
      }
    },
    async refuse() {
      mode = 'refuse';
      const closing = server;
      server = null;
      for (const pair of [...pairs]) drop(pair);
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    blackhole() {
      mode = 'blackhole';
    },
    async close() {
      await proxy.refuse();
    },
  };
  return proxy;
}
