;; Integer dot products for FaceIndex's quantised scan (WebAssembly SIMD128).
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
)
