;; FaceIndex's scans (WebAssembly SIMD128): int8 dot products, and a 4-bit table look-up.
;; Compiled with wabt 1.0.39 (wat2wasm); the bytes are inlined in kernels.ts as base64.
(module
  (memory (export "memory") 1)
  ;; out[i] = sum_j codes[i][j] * q[j] for n rows of `bytes` uint8 codes (bytes % 64 == 0), where q is
  ;; the query as int16 (|q| <= 4095 keeps every int32 lane exact up to 8192 dims). Each 8 codes cost
  ;; one widening and one i32x4.dot_i16x8_s (pmaddwd on x64); four accumulators hide its latency.
  ;; The scan is memory-bound: unrolling further or touching rows ahead measured no faster.
  (func (export "dots_u8")
    (param $q i32) (param $codes i32) (param $n i32) (param $bytes i32) (param $out i32)
    (local $row i32) (local $j i32) (local $qp i32) (local $end i32) (local $rowEnd i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $x v128)
    (local.set $end (i32.add (local.get $codes) (i32.mul (local.get $n) (local.get $bytes))))
    (local.set $row (local.get $codes))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $c (v128.const i32x4 0 0 0 0))
        (local.set $d (v128.const i32x4 0 0 0 0))
        (local.set $j (local.get $row))
        (local.set $qp (local.get $q))
        (local.set $rowEnd (i32.add (local.get $row) (local.get $bytes)))
        (loop $cols
          (local.set $x (v128.load offset=0 (local.get $j)))
          (local.set $a (i32x4.add (local.get $a)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.load offset=0 (local.get $qp)))))
          (local.set $b (i32x4.add (local.get $b)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (v128.load offset=16 (local.get $qp)))))
          (local.set $x (v128.load offset=16 (local.get $j)))
          (local.set $c (i32x4.add (local.get $c)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.load offset=32 (local.get $qp)))))
          (local.set $d (i32x4.add (local.get $d)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (v128.load offset=48 (local.get $qp)))))
          (local.set $x (v128.load offset=32 (local.get $j)))
          (local.set $a (i32x4.add (local.get $a)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.load offset=64 (local.get $qp)))))
          (local.set $b (i32x4.add (local.get $b)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (v128.load offset=80 (local.get $qp)))))
          (local.set $x (v128.load offset=48 (local.get $j)))
          (local.set $c (i32x4.add (local.get $c)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x)) (v128.load offset=96 (local.get $qp)))))
          (local.set $d (i32x4.add (local.get $d)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x)) (v128.load offset=112 (local.get $qp)))))
          (local.set $j (i32.add (local.get $j) (i32.const 64)))
          (local.set $qp (i32.add (local.get $qp) (i32.const 128)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $rowEnd))))
        (local.set $a (i32x4.add (i32x4.add (local.get $a) (local.get $b)) (i32x4.add (local.get $c) (local.get $d))))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a)) (i32x4.extract_lane 1 (local.get $a)))
            (i32.add (i32x4.extract_lane 2 (local.get $a)) (i32x4.extract_lane 3 (local.get $a)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $row (local.get $rowEnd))
        (br $rows))))
  ;; Fast scan of 4-bit codes by table look-up, 16 rows at a time (the layout FAISS calls "fast scan").
  ;; Rows come in blocks of 16; a block holds `vecs` vectors of 16 bytes, byte r of vector v being row
  ;; r's two 4-bit codes for table pair v (low nibble: table 2v, high nibble: table 2v+1). `lut` holds
  ;; the query's int8 tables, 32 bytes a vector (entries within ±63, so two add up in an i8 lane).
  ;; One i8x16.swizzle looks up 16 rows at once: a few operations per row per 4 dims, against ~10 per
  ;; 16 dims for dots_u8. out[16·b + r] = Σ_v lut[2v][lo] + lut[2v+1][hi] for row r of block b.
  ;; The i16 partial sums are widened every 256 vectors, before |Σ| could pass 256 · 126 < 2^15.
  (func (export "scan_u4")
    (param $lut i32) (param $codes i32) (param $blocks i32) (param $vecs i32) (param $out i32)
    (local $b i32) (local $v i32) (local $chunkEnd i32) (local $lp i32) (local $cp i32)
    (local $x v128) (local $s v128) (local $h0 v128) (local $h1 v128) (local $m v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $m (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $cp (local.get $codes))
    (local.set $b (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $blocks)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $v (i32.const 0))
        (local.set $lp (local.get $lut))
        (loop $chunks
          (local.set $h0 (v128.const i32x4 0 0 0 0))
          (local.set $h1 (v128.const i32x4 0 0 0 0))
          (local.set $chunkEnd (i32.add (local.get $v) (i32.const 256)))
          (if (i32.gt_u (local.get $chunkEnd) (local.get $vecs))
            (then (local.set $chunkEnd (local.get $vecs))))
          (loop $vectors
            (local.set $x (v128.load (local.get $cp)))
            (local.set $s (i8x16.add
              (i8x16.swizzle (v128.load offset=0 (local.get $lp)) (v128.and (local.get $x) (local.get $m)))
              (i8x16.swizzle (v128.load offset=16 (local.get $lp)) (i8x16.shr_u (local.get $x) (i32.const 4)))))
            (local.set $h0 (i16x8.add (local.get $h0) (i16x8.extend_low_i8x16_s (local.get $s))))
            (local.set $h1 (i16x8.add (local.get $h1) (i16x8.extend_high_i8x16_s (local.get $s))))
            (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
            (local.set $lp (i32.add (local.get $lp) (i32.const 32)))
            (local.set $v (i32.add (local.get $v) (i32.const 1)))
            (br_if $vectors (i32.lt_u (local.get $v) (local.get $chunkEnd))))
          (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extend_low_i16x8_s (local.get $h0))))
          (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extend_high_i16x8_s (local.get $h0))))
          (local.set $a2 (i32x4.add (local.get $a2) (i32x4.extend_low_i16x8_s (local.get $h1))))
          (local.set $a3 (i32x4.add (local.get $a3) (i32x4.extend_high_i16x8_s (local.get $h1))))
          (br_if $chunks (i32.lt_u (local.get $v) (local.get $vecs))))
        (v128.store offset=0 (local.get $out) (local.get $a0))
        (v128.store offset=16 (local.get $out) (local.get $a1))
        (v128.store offset=32 (local.get $out) (local.get $a2))
        (v128.store offset=48 (local.get $out) (local.get $a3))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks))))
)
