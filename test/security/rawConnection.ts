import { connect, type Socket } from 'node:net';

/**
 * A TCP connection driven by hand, byte by byte if need be, to see what a server does with the connection itself:
 * what it answered, and whether it closed the connection.
 */
export class RawConnection {
  private received = Buffer.alloc(0);
  private closedAt: number | undefined;
  private readonly waiting = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    // A reset after the server closed is still a close; nothing here writes after that.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedAt = Date.now();
      this.wake();
    });
  }

  /** Opens a connection to the host and port of `url`. */
  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Everything the server sent so far, as text. */
  get text(): string {
    return this.received.toString('latin1');
  }

  get closed(): boolean {
    return this.closedAt !== undefined;
  }

  write(data: string | Buffer): void {
    if (!this.closed) this.socket.write(data);
  }

  /** Sends one request: the request line, the headers (a Host header added) and a body sent whole. */
  send(method: string, path: string, headers: Record<string, string> = {}, body = ''): void {
    const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (body) lines.push(`content-length: ${Buffer.byteLength(body)}`);
    this.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  }

  /**
   * Waits for the next whole response (by content-length or the chunked encoding's last chunk) and takes it off
   * what was received; undefined when the connection closed or `ms` passed first.
   */
  async response(ms = 5000): Promise<{ status: number; headers: Record<string, string>; body: string } | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const parsed = this.takeResponse();
      if (parsed) return parsed;
      if (this.closed || Date.now() >= deadline) return undefined;
      await this.change(deadline);
    }
  }

  /** Whether the server closed the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.change(deadline);
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private takeResponse(): { status: number; headers: Record<string, string>; body: string } | undefined {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...headerLines] = this.received.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const rest = this.received.subarray(end + 4);
    let body: Buffer;
    let used: number;
    if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      let at = 0;
      for (;;) {
        const lineEnd = rest.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
        if (rest.length < lineEnd + 2 + size + 2) return undefined;
        chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(chunks);
      used = at;
    } else {
      used = Number(headers['content-length'] ?? 0);
      if (rest.length < used) return undefined;
      body = rest.subarray(0, used);
    }
    this.received = rest.subarray(used);
    return { status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') };
  }

  /** Resolves when data or a close comes in, or at the deadline. */
  private change(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      const self = this;
      function done() {
        clearTimeout(timer);
        self.waiting.delete(done);
        resolve();
      }
      this.waiting.add(done);
    });
  }

  private wake(): void {
    for (const done of [...this.waiting]) done();
  }
}
