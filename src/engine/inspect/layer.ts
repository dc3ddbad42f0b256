/**
 * A layer is one byte sequence the engine inspects: the raw body, a decoded
 * Content-Encoding, a form field, a JSON string, a multipart part, a base64
 * run, a zip member ... Layers form a tree; `location` is the path from the
 * request down to this layer.
 */

export interface LayerTask {
  readonly bytes: Uint8Array;
  /** Path from the request to this layer, e.g. `body>json:/data>base64@12`. */
  readonly location: string;
  /** Decoders applied above this layer (depth limit: maxDecodeDepth). */
  readonly depth: number;
  /** Structured views (JSON in a string in JSON ...) above this layer; bounded separately. */
  readonly views: number;
  /** Declared or inferred media type essence (lower-case), if any. */
  readonly contentType?: string;
  /** Full Content-Type value (parameters included) for the body and multipart parts. */
  readonly contentTypeHeader?: string;
  readonly filename?: string;
  /** Lower-cased charset parameter of the declared Content-Type, if any. */
  readonly charset?: string;
  /** A single value (field, cookie, header, JSON string) rather than a document. */
  readonly isValue: boolean;
  /** Request parameter the layer belongs to (`query:q`, `form:x`, `json:/a/b` ...), for exclusions. */
  readonly param?: string;
  /** Which decoder produced the layer (e.g. `base64`), to avoid re-applying the same decoder needlessly. */
  readonly producedBy?: string;
  /** Precomputed automaton matches (the top-level body is scanned while it streams in). */
  readonly hits?: readonly Hit[];
}

/** One automaton match: pattern id and start offset. */
export interface Hit {
  readonly id: number;
  readonly start: number;
}
