;; The one-row matrix product behind engine/model/wasm-kernels.ts (MATVEC_WASM holds its binary: wat2wasm from
;; wabt 1.0.39 with SIMD, base64). Parameters are byte addresses in the WASM backend's heap; bias 0 means none.
;; y[j] = bias[j] (or 0) + sum over i of x[i] * w[i * n + j], for a row-major [k, n] float32 matrix w.
;; Reads the weights once, in order, four rows at a time (so y is loaded and stored once per four rows).
(module
  (import "env" "memory" (memory 1))
  (func $row4 (param $y i32) (param $r0 i32) (param $rowBytes i32) (param $n i32)
              (param $s0 f32) (param $s1 f32) (param $s2 f32) (param $s3 f32)
    (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $off i32) (local $end4 i32) (local $end i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
    (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
    (local.set $a0 (f32x4.splat (local.get $s0)))
    (local.set $a1 (f32x4.splat (local.get $s1)))
    (local.set $a2 (f32x4.splat (local.get $s2)))
    (local.set $a3 (f32x4.splat (local.get $s3)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $off (i32.const 0))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $off) (local.get $end4)))
      (v128.store align=4 (i32.add (local.get $y) (local.get $off))
        (f32x4.add
          (f32x4.add
            (f32x4.add
              (f32x4.add
                (v128.load align=4 (i32.add (local.get $y) (local.get $off)))
                (f32x4.mul (local.get $a0) (v128.load align=4 (i32.add (local.get $r0) (local.get $off)))))
              (f32x4.mul (local.get $a1) (v128.load align=4 (i32.add (local.get $r1) (local.get $off)))))
            (f32x4.mul (local.get $a2) (v128.load align=4 (i32.add (local.get $r2) (local.get $off)))))
          (f32x4.mul (local.get $a3) (v128.load align=4 (i32.add (local.get $r3) (local.get $off))))))
      (local.set $off (i32.add (local.get $off) (i32.const 16)))
      (br $v)))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $off) (local.get $end)))
      (f32.store (i32.add (local.get $y) (local.get $off))
        (f32.add
          (f32.add
            (f32.add
              (f32.add
                (f32.load (i32.add (local.get $y) (local.get $off)))
                (f32.mul (local.get $s0) (f32.load (i32.add (local.get $r0) (local.get $off)))))
              (f32.mul (local.get $s1) (f32.load (i32.add (local.get $r1) (local.get $off)))))
            (f32.mul (local.get $s2) (f32.load (i32.add (local.get $r2) (local.get $off)))))
          (f32.mul (local.get $s3) (f32.load (i32.add (local.get $r3) (local.get $off))))))
      (local.set $off (i32.add (local.get $off) (i32.const 4)))
      (br $t))))
  (func $row1 (param $y i32) (param $r0 i32) (param $n i32) (param $s0 f32)
    (local $off i32) (local $end4 i32) (local $end i32) (local $a0 v128)
    (local.set $a0 (f32x4.splat (local.get $s0)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $off (i32.const 0))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $off) (local.get $end4)))
      (v128.store align=4 (i32.add (local.get $y) (local.get $off))
        (f32x4.add
          (v128.load align=4 (i32.add (local.get $y) (local.get $off)))
          (f32x4.mul (local.get $a0) (v128.load align=4 (i32.add (local.get $r0) (local.get $off))))))
      (local.set $off (i32.add (local.get $off) (i32.const 16)))
      (br $v)))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $off) (local.get $end)))
      (f32.store (i32.add (local.get $y) (local.get $off))
        (f32.add
          (f32.load (i32.add (local.get $y) (local.get $off)))
          (f32.mul (local.get $s0) (f32.load (i32.add (local.get $r0) (local.get $off))))))
      (local.set $off (i32.add (local.get $off) (i32.const 4)))
      (br $t))))
  (func (export "matvec") (param $x i32) (param $w i32) (param $bias i32) (param $y i32) (param $k i32) (param $n i32)
    (local $i i32) (local $rowBytes i32) (local $off i32) (local $end i32) (local $xi i32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end (local.get $rowBytes))
    (local.set $off (i32.const 0))
    (block $done (loop $init
      (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
      (f32.store (i32.add (local.get $y) (local.get $off))
        (if (result f32) (local.get $bias)
          (then (f32.load (i32.add (local.get $bias) (local.get $off))))
          (else (f32.const 0))))
      (local.set $off (i32.add (local.get $off) (i32.const 4)))
      (br $init)))
    (local.set $i (i32.const 0))
    (block $r4done (loop $r4
      (br_if $r4done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $k)))
      (local.set $xi (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
      (call $row4 (local.get $y)
        (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $rowBytes)))
        (local.get $rowBytes) (local.get $n)
        (f32.load (local.get $xi)) (f32.load offset=4 (local.get $xi))
        (f32.load offset=8 (local.get $xi)) (f32.load offset=12 (local.get $xi)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $r4)))
    (block $r1done (loop $r1
      (br_if $r1done (i32.ge_u (local.get $i) (local.get $k)))
      (call $row1 (local.get $y)
        (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $rowBytes)))
        (local.get $n)
        (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $r1)))))
