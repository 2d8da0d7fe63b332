// A real SMTP server on 127.0.0.1 (nodemailer's smtp-server) that keeps what
// arrives, parsed by mailparser, for tests to assert on. It can refuse the
// next mails with a code, hold a mail's answer (a server that hangs before its
// 250), and stop and start again on the same port (a server that was down).
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { vi } from 'vitest';

export interface Arrived {
  /** RCPT TO addresses, in order. */
  to: string[];
  mail: ParsedMail;
}

export class SmtpSink {
  readonly arrived: Arrived[] = [];
  /** SMTP codes to answer the next mails' data with (451: try later; 550: refused), in order. */
  readonly refuseNext: number[] = [];
  /** While true, a mail's data is read and never answered: the client waits. */
  hold = false;
  /** Mails whose data arrived while `hold` was on, never answered. */
  heldCount = 0;
  private server: SMTPServer | null = null;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<SmtpSink> {
    const sink = new SmtpSink(port);
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 200,
      onData: (stream, session: SMTPServerSession, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.hold) {
            // Never answered: the client's attempt hangs until it gives up.
            this.heldCount++;
            return;
          }
          const code = this.refuseNext.shift();
          if (code) return done(Object.assign(new Error(code >= 500 ? 'refused' : 'try again later'), { responseCode: code }));
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              this.arrived.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
              done();
            },
            (err: Error) => done(err),
          );
        });
      },
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  /** Stops listening and cuts open connections: the server is down. */
  stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Listens again on the same port. */
  restart(): Promise<void> {
    return this.listen();
  }

  /** Waits (with a deadline) until `n` mails have arrived; returns them. */
  async waitFor(n: number, timeout = 10_000): Promise<Arrived[]> {
    await vi.waitFor(() => {
      if (this.arrived.length < n) throw new Error(`${this.arrived.length} of ${n} mails arrived`);
    }, { timeout, interval: 25 });
    return this.arrived;
  }
}
