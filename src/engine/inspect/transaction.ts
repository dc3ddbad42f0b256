/**
 * The per-request transaction: the head is inspected at begin(); body chunks
 * are held and, unless the body is content-encoded, scanned by the automaton
 * as they arrive (the scanner carries its state across chunks, so any split
 * gives the same matches); end() decodes the Content-Encoding (bounded) and
 * inspects the complete body through every view and decoder.
 *
 * Memory per request: the held body (<= maxBodyBytes) plus decoded layers
 * (<= maxDecodedTotalBytes) plus the automaton's match list.
 */
import type { RequestHead, Transaction } from '../api.js';
import type { CompiledEngine } from '../compiled.js';
import type { Finding, Verdict } from '../types.js';
import type { CompiledPolicy } from '../../policy/types.js';
import type { AcScanner } from '../match/aho-corasick.js';
import { Inspection } from './inspection.js';
import type { Hit } from './layer.js';
import { headLayers } from './head.js';
import { bodyMediaType, type BodyMediaType } from './media-type.js';
import { decodeContentEncoding, parseContentEncoding } from './content-encoding.js';

export class EngineTransaction implements Transaction {
  readonly headFindings: readonly Finding[];
  private readonly insp: Inspection;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private readonly scanner: AcScanner | null;
  private readonly hits: Hit[] = [];
  private readonly media: BodyMediaType;
  private readonly encoding: ReturnType<typeof parseContentEncoding>;
  private ended = false;
  private readonly filename: string | undefined;

  constructor(engine: CompiledEngine, policy: CompiledPolicy, head: RequestHead) {
    this.filename = head.filename;
    this.insp = new Inspection(engine, policy);
    for (const layer of headLayers(head, engine)) this.insp.add(layer);
    this.media = bodyMediaType(head.rawHeaders);
    this.encoding = parseContentEncoding(head.rawHeaders);
    const headTask = { bytes: new Uint8Array(0), location: 'header:content-type', depth: 0, views: 0, isValue: true };
    if (this.media.error) this.insp.refusal(headTask, this.media.error.rule, this.media.error.kind, this.media.error.message, 0);
    if (this.encoding.error) this.insp.refusal({ ...headTask, location: 'header:content-encoding' }, this.encoding.error.rule, this.encoding.error.kind, this.encoding.error.message, 0);
    this.insp.run();
    this.headFindings = this.insp.findings.splice(0);
    this.scanner = this.encoding.codings.length === 0 ? engine.ac.scanner() : null;
  }

  write(chunk: Uint8Array): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.scanner) {
      const hits = this.hits;
      this.scanner.write(chunk, (id, start) => {
        hits.push({ id, start });
      });
    }
  }

  end(): Verdict {
    this.ended = true;
    const insp = this.insp;
    if (this.size > 0) {
      let body: Uint8Array = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
      this.chunks.length = 0;
      let location = 'body';
      let hits: Hit[] | undefined = this.hits;
      if (this.encoding.codings.length > 0) {
        const decoded = decodeContentEncoding(body, this.encoding.codings, insp.policy.limits);
        if ('error' in decoded) {
          insp.refusal({ bytes: body, location: 'body', depth: 0, views: 0, isValue: false }, decoded.error.rule, decoded.error.kind, decoded.error.message, 0, decoded.error.limit);
          return this.verdict();
        }
        body = decoded.bytes;
        location = `body>${this.encoding.codings.join('>')}`;
        hits = undefined;
        insp.budget.takeDecoded(body.length);
      }
      insp.add({
        bytes: body,
        location,
        depth: 0,
        views: 0,
        isValue: false,
        ...(this.media.essence !== undefined ? { contentType: this.media.essence, contentTypeHeader: this.media.header } : {}),
        ...(this.media.charset !== undefined ? { charset: this.media.charset } : {}),
        ...(this.filename !== undefined ? { filename: this.filename } : {}),
        ...(hits ? { hits } : {}),
      });
      insp.run();
    }
    return this.verdict();
  }

  private verdict(): Verdict {
    const findings = this.insp.findings;
    return { clean: findings.length === 0, findings, inspectedBytes: this.insp.inspectedBytes };
  }
}
