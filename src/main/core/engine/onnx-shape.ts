/**
 * Gives a fully convolutional ONNX model free spatial input and output sizes, so one run can cover
 * a whole band of a photo instead of fixed square tiles that overlap on every side.
 *
 * Hand-written on the protobuf wire format: rebuilding only the messages on the path to the
 * graph's input and output shapes keeps every other byte (weights, nodes, fields this code does not
 * know) as it was, which decoding and re-encoding with a partial schema would not.
 */

/** Field numbers from onnx.proto. */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;
const TENSOR_NAME = 8;

interface Field {
  no: number;
  /** The whole field as it was: tag, length and payload. */
  raw: Uint8Array;
  /** A length-delimited field's payload. */
  data?: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (!(b & 0x80)) return [value, pos];
    scale *= 128;
  }
}

function varint(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    let tag: number;
    [tag, pos] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag % 8;
    let data: Uint8Array | undefined;
    if (wire === 0) pos = readVarint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      data = buf.subarray(pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos > buf.length) throw new Error('truncated protobuf field');
    out.push({ no, raw: buf.subarray(start, pos), ...(data && { data }) });
  }
  return out;
}

function lengthDelimited(no: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(no * 8 + 2), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The message again, each length-delimited field `edit` answers for replaced (null: dropped). */
function rewrite(buf: Uint8Array, edit: (f: Field & { data: Uint8Array }) => Uint8Array | null | undefined) {
  return concat(
    fields(buf).map((f) => {
      const next = f.data ? edit(f as Field & { data: Uint8Array }) : undefined;
      return next === undefined ? f.raw : next === null ? new Uint8Array(0) : lengthDelimited(f.no, next);
    }),
  );
}

const text = (f: Field | undefined) => (f?.data ? new TextDecoder().decode(f.data) : '');

/** A value info whose NCHW dims 2 and 3 become named, free dims. */
function freeSpatialDims(valueInfo: Uint8Array, prefix: string): Uint8Array {
  let changed = 0;
  const out = rewrite(valueInfo, (t) =>
    t.no !== VALUE_INFO_TYPE
      ? undefined
      : rewrite(t.data, (tensor) =>
          tensor.no !== TYPE_TENSOR
            ? undefined
            : rewrite(tensor.data, (shape) => {
                if (shape.no !== TENSOR_TYPE_SHAPE) return undefined;
                let index = 0;
                return rewrite(shape.data, (dim) => {
                  if (dim.no !== SHAPE_DIM) return undefined;
                  const k = index++;
                  if (k !== 2 && k !== 3) return undefined;
                  changed++;
                  const name = new TextEncoder().encode(`${prefix}${k === 2 ? 'h' : 'w'}`);
                  // The name replaces a fixed size; anything else on the dim (a denotation) stays.
                  const rest = fields(dim.data).filter((d) => d.no !== DIM_VALUE && d.no !== DIM_PARAM);
                  return concat([lengthDelimited(DIM_PARAM, name), ...rest.map((d) => d.raw)]);
                });
              }),
        ),
  );
  if (changed !== 2) throw new Error(`${prefix}: expected a 4-d NCHW shape`);
  return out;
}

/**
 * The model with its graph inputs' and outputs' height and width free (inputs share `in_h`/`in_w`;
 * each output has its own, since strides differ). Intermediate shapes (`value_info`) are dropped
 * for the runtime to infer. Throws when the graph has no 4-d input or output to free.
 */
export function withFreeSpatialDims(model: Uint8Array): Uint8Array {
  let inputs = 0;
  let outputs = 0;
  const out = rewrite(model, (m) => {
    if (m.no !== MODEL_GRAPH) return undefined;
    const weights = new Set(
      fields(m.data)
        .filter((f) => f.no === GRAPH_INITIALIZER && f.data)
        .map((f) => text(fields(f.data!).find((x) => x.no === TENSOR_NAME))),
    );
    return rewrite(m.data, (f) => {
      if (f.no === GRAPH_VALUE_INFO) return null;
      if (f.no !== GRAPH_INPUT && f.no !== GRAPH_OUTPUT) return undefined;
      const name = text(fields(f.data).find((x) => x.no === VALUE_INFO_NAME));
      // Older models list their weights among the inputs too: those keep their shapes.
      if (weights.has(name)) return undefined;
      if (f.no === GRAPH_INPUT) inputs++;
      else outputs++;
      return freeSpatialDims(f.data, f.no === GRAPH_INPUT ? 'in_' : `${name}_`);
    });
  });
  if (inputs === 0 || outputs === 0) throw new Error('no graph input or output to free');
  return out;
}
