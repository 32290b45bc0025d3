;; The sample steps of a crossfaded join, behind engine/remix/join-steps.ts (JOIN_STEPS_WASM holds its binary:
;; `npx -p wabt@1.0.39 wat2wasm join-steps.wat`, base64). Two samples at a time in float64 lanes, with the same
;; operations in the same order as the JavaScript it stands in for, so every value is the same to the last bit.
;;
;; Sample k of the join (k = 0 at the join) is fround(fadeOut[k] * outgoing + fadeIn[k] * incoming), where outgoing
;; is the float32 at $out + 4k (0 from k = half on) and incoming the one at $in + 4k (0 before k = -half); the gains
;; are float64s at $fadeOut and $fadeIn + 8 (k + reach), k in [-reach, reach].
(module
  (memory (export "memory") 1)
  (global $fadeOut (mut i32) (i32.const 0))
  (global $fadeIn (mut i32) (i32.const 0))
  (global $reach (mut i32) (i32.const 0))
  (global $half (mut f64) (f64.const 0))

  (func (export "setGains") (param $fadeOut i32) (param $fadeIn i32) (param $reach i32) (param $half f64)
    (global.set $fadeOut (local.get $fadeOut))
    (global.set $fadeIn (local.get $fadeIn))
    (global.set $reach (local.get $reach))
    (global.set $half (local.get $half)))

  ;; Samples k and k + 1 of the join, rounded to float32, as float64 lanes.
  (func $pair (param $out i32) (param $in i32) (param $k i32) (result v128)
    (local $ks v128) (local $g i32)
    (local.set $ks (f64x2.convert_low_i32x4_s (i32x4.add (i32x4.splat (local.get $k)) (v128.const i32x4 0 1 0 0))))
    (local.set $g (i32.shl (i32.add (local.get $k) (global.get $reach)) (i32.const 3)))
    (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
      (f64x2.add
        (f64x2.mul (v128.load (i32.add (global.get $fadeOut) (local.get $g)))
          (v128.and (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))))
                    (f64x2.lt (local.get $ks) (f64x2.splat (global.get $half)))))
        (f64x2.mul (v128.load (i32.add (global.get $fadeIn) (local.get $g)))
          (v128.and (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $in) (i32.shl (local.get $k) (i32.const 2)))))
                    (f64x2.ge (local.get $ks) (f64x2.splat (f64.neg (global.get $half))))))))))

  ;; Steps k and k + 1, |sample(k + 1) - sample(k)| and |sample(k + 2) - sample(k + 1)|, given $before holding
  ;; sample k in its second lane; $after gets samples k + 1 and k + 2.
  (func $steps (param $out i32) (param $in i32) (param $k i32) (param $before v128) (result v128 v128)
    (local $after v128)
    (local.set $after (call $pair (local.get $out) (local.get $in) (i32.add (local.get $k) (i32.const 1))))
    (f64x2.abs (f64x2.sub (local.get $after)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $before) (local.get $after))))
    (local.get $after))

  ;; The largest step for k in [from, to), Math.max over them (from - 1 must be in the window).
  (func $largestStep (param $out i32) (param $in i32) (param $from i32) (param $to i32) (result f64)
    (local $k i32) (local $before v128) (local $step v128) (local $peak v128)
    (local $ks v128) (local $g i32) (local $after v128) (local $halves v128)
    (local.set $halves (f64x2.splat (global.get $half)))
    (local.set $before (call $pair (local.get $out) (local.get $in) (i32.sub (local.get $from) (i32.const 1))))
    (local.set $k (local.get $from))
    (block $done (loop $two
      (br_if $done (i32.gt_s (i32.add (local.get $k) (i32.const 2)) (local.get $to)))
      ;; $steps written out (as the loop's body it runs several times faster than called)
      (local.set $ks (f64x2.convert_low_i32x4_s (i32x4.add (i32x4.splat (local.get $k)) (v128.const i32x4 1 2 0 0))))
      (local.set $g (i32.shl (i32.add (i32.add (local.get $k) (i32.const 1)) (global.get $reach)) (i32.const 3)))
      (local.set $after (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
        (f64x2.add
          (f64x2.mul (v128.load (i32.add (global.get $fadeOut) (local.get $g)))
            (v128.and (f64x2.promote_low_f32x4
                        (v128.load64_zero offset=4 (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))))
                      (f64x2.lt (local.get $ks) (local.get $halves))))
          (f64x2.mul (v128.load (i32.add (global.get $fadeIn) (local.get $g)))
            (v128.and (f64x2.promote_low_f32x4
                        (v128.load64_zero offset=4 (i32.add (local.get $in) (i32.shl (local.get $k) (i32.const 2)))))
                      (f64x2.ge (local.get $ks) (f64x2.neg (local.get $halves)))))))))
      (local.set $step (f64x2.abs (f64x2.sub (local.get $after)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $before) (local.get $after)))))
      (local.set $before (local.get $after))
      (local.set $peak (f64x2.max (local.get $peak) (local.get $step)))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $two)))
    (if (i32.lt_s (local.get $k) (local.get $to)) (then
      (call $steps (local.get $out) (local.get $in) (local.get $k) (local.get $before))
      (local.set $before)
      (local.set $step)
      (local.set $peak (f64x2.max (local.get $peak)
        (f64x2.replace_lane 1 (local.get $step) (f64.const 0))))))
    (f64.max (f64x2.extract_lane 0 (local.get $peak)) (f64x2.extract_lane 1 (local.get $peak))))

  ;; The steps for k in [from, to) into the float64s at $steps, counting those at or below $floor; stops once more
  ;; than $enough are (two at a time: it may store one more, which only a caller that gives up then would read).
  ;; Returns the count.
  (func $gatherSteps (param $out i32) (param $in i32) (param $from i32) (param $to i32) (param $at i32)
        (param $floor f64) (param $enough i32) (result i32)
    (local $k i32) (local $before v128) (local $step v128) (local $count i32)
    (local $ks v128) (local $g i32) (local $after v128) (local $halves v128)
    (local.set $halves (f64x2.splat (global.get $half)))
    (local.set $before (call $pair (local.get $out) (local.get $in) (i32.sub (local.get $from) (i32.const 1))))
    (local.set $k (local.get $from))
    (block $done (loop $two
      (br_if $done (i32.gt_s (i32.add (local.get $k) (i32.const 2)) (local.get $to)))
      (br_if $done (i32.gt_s (local.get $count) (local.get $enough)))
      ;; $steps written out (as the loop's body it runs several times faster than called)
      (local.set $ks (f64x2.convert_low_i32x4_s (i32x4.add (i32x4.splat (local.get $k)) (v128.const i32x4 1 2 0 0))))
      (local.set $g (i32.shl (i32.add (i32.add (local.get $k) (i32.const 1)) (global.get $reach)) (i32.const 3)))
      (local.set $after (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
        (f64x2.add
          (f64x2.mul (v128.load (i32.add (global.get $fadeOut) (local.get $g)))
            (v128.and (f64x2.promote_low_f32x4
                        (v128.load64_zero offset=4 (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))))
                      (f64x2.lt (local.get $ks) (local.get $halves))))
          (f64x2.mul (v128.load (i32.add (global.get $fadeIn) (local.get $g)))
            (v128.and (f64x2.promote_low_f32x4
                        (v128.load64_zero offset=4 (i32.add (local.get $in) (i32.shl (local.get $k) (i32.const 2)))))
                      (f64x2.ge (local.get $ks) (f64x2.neg (local.get $halves)))))))))
      (local.set $step (f64x2.abs (f64x2.sub (local.get $after)
        (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $before) (local.get $after)))))
      (local.set $before (local.get $after))
      (v128.store (local.get $at) (local.get $step))
      (local.set $count (i32.add (local.get $count)
        (i32.popcnt (i64x2.bitmask (f64x2.le (local.get $step) (f64x2.splat (local.get $floor)))))))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 2)))
      (br $two)))
    (if (i32.and (i32.lt_s (local.get $k) (local.get $to)) (i32.le_s (local.get $count) (local.get $enough))) (then
      (call $steps (local.get $out) (local.get $in) (local.get $k) (local.get $before))
      (local.set $before)
      (local.set $step)
      (f64.store (local.get $at) (f64x2.extract_lane 0 (local.get $step)))
      (if (f64.le (f64x2.extract_lane 0 (local.get $step)) (local.get $floor)) (then
        (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
    (local.get $count))
;; One shift of the search (quiet-join.ts quietestShift): the largest step of the seam, k in [-seamHalf, seamHalf),
  ;; stored at $peakAt; then the context's steps, k in [-seamHalf - context, -seamHalf) at $at and in
  ;; [seamHalf, rightEnd) after them, counting those at or below the median a shift needs to beat $bound (the best
  ;; ratio so far less the margin: peak / max(1e-9, median) must fall under it). Returns the count: more than $k
  ;; means the shift cannot beat the best (the steps after the seam may then be left unread).
  (func $measureShift (param $out i32) (param $in i32) (param $seamHalf i32) (param $context i32)
        (param $rightEnd i32) (param $at i32) (param $peakAt i32) (param $bound f64) (param $k i32) (result i32)
    (local $peak f64) (local $floor f64) (local $m0 f64) (local $count i32)
    (local.set $peak (call $largestStep (local.get $out) (local.get $in)
      (i32.sub (i32.const 0) (local.get $seamHalf)) (local.get $seamHalf)))
    (f64.store (local.get $peakAt) (local.get $peak))
    ;; The floor: a median at or below it makes a ratio of at least $bound (none without a bound: -1).
    (local.set $floor (f64.const -1))
    (if (f64.lt (local.get $bound) (f64.const inf)) (then
      (if (f64.le (local.get $bound) (f64.const 0))
        (then (local.set $floor (f64.const inf)))
        (else
          (local.set $m0 (f64.div (local.get $peak) (local.get $bound)))
          (if (f64.ge (f64.div (local.get $peak) (f64.max (f64.const 1e-9) (local.get $m0))) (local.get $bound))
            (then (local.set $floor (local.get $m0))))))))
    (local.set $count (call $gatherSteps (local.get $out) (local.get $in)
      (i32.sub (i32.sub (i32.const 0) (local.get $seamHalf)) (local.get $context))
      (i32.sub (i32.const 0) (local.get $seamHalf))
      (local.get $at) (local.get $floor) (i32.const 0x40000000)))
    (i32.add (local.get $count) (call $gatherSteps (local.get $out) (local.get $in)
      (local.get $seamHalf) (local.get $rightEnd)
      (i32.add (local.get $at) (i32.shl (local.get $context) (i32.const 3)))
      (local.get $floor) (i32.sub (local.get $k) (local.get $count)))))

  ;; The k-th smallest (0-based) of the n float64s at $at, reordering them: Hoare's quickselect (any selection gives
  ;; the same value).
  (func $kthSmallest (param $at i32) (param $n i32) (param $k i32) (result f64)
    (local $lo i32) (local $hi i32) (local $i i32) (local $j i32) (local $pivot f64) (local $t f64)
    (local.set $hi (i32.sub (local.get $n) (i32.const 1)))
    (block $found (loop $narrow
      (br_if $found (i32.ge_s (local.get $lo) (local.get $hi)))
      (local.set $pivot (f64.load (i32.add (local.get $at)
        (i32.shl (i32.shr_s (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)) (i32.const 3)))))
      (local.set $i (local.get $lo))
      (local.set $j (local.get $hi))
      (block $split (loop $partition
        (br_if $split (i32.gt_s (local.get $i) (local.get $j)))
        (block $up (loop $scanUp
          (br_if $up (i32.eqz (f64.lt (f64.load (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 3))))
                                      (local.get $pivot))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $scanUp)))
        (block $down (loop $scanDown
          (br_if $down (i32.eqz (f64.gt (f64.load (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 3))))
                                        (local.get $pivot))))
          (local.set $j (i32.sub (local.get $j) (i32.const 1)))
          (br $scanDown)))
        (if (i32.le_s (local.get $i) (local.get $j)) (then
          (local.set $t (f64.load (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 3)))))
          (f64.store (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 3)))
            (f64.load (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 3)))))
          (f64.store (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 3))) (local.get $t))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $j (i32.sub (local.get $j) (i32.const 1)))))
        (br $partition)))
      (if (i32.le_s (local.get $k) (local.get $j))
        (then (local.set $hi (local.get $j)))
        (else
          (br_if $found (i32.lt_s (local.get $k) (local.get $i)))
          (local.set $lo (local.get $i))))
      (br $narrow)))
    (f64.load (i32.add (local.get $at) (i32.shl (local.get $k) (i32.const 3)))))

  ;; The whole search of quiet-join.ts's quietestShift: shifts d = 0, -4, ... down to -$search, those in [$dLo, $dHi]
  ;; (where the join's window lies in the input), $out and $in the addresses of each side's sample k = 0 at d = 0.
  ;; A shift whose count passes $k cannot beat the best; otherwise its ratio, the seam's largest step over the
  ;; median of the $n context steps (at least 1e-9), replaces the best when it is lower by more than 1e-9. Returns
  ;; the best shift (0 when none is lower).
  (func (export "quietestShift") (param $out i32) (param $in i32) (param $seamHalf i32) (param $context i32)
        (param $rightEnd i32) (param $at i32) (param $peakAt i32) (param $k i32) (param $n i32)
        (param $search i32) (param $dLo i32) (param $dHi i32) (result i32)
    (local $d i32) (local $best i32) (local $bestRatio f64) (local $median f64) (local $ratio f64)
    (local.set $bestRatio (f64.const inf))
    (block $done (loop $shift
      (br_if $done (i32.lt_s (local.get $d) (i32.sub (i32.const 0) (local.get $search))))
      (if (i32.and (i32.ge_s (local.get $d) (local.get $dLo)) (i32.le_s (local.get $d) (local.get $dHi))) (then
        (if (i32.le_s
              (call $measureShift
                (i32.add (local.get $out) (i32.shl (local.get $d) (i32.const 2)))
                (i32.add (local.get $in) (i32.shl (local.get $d) (i32.const 2)))
                (local.get $seamHalf) (local.get $context) (local.get $rightEnd) (local.get $at) (local.get $peakAt)
                (f64.sub (local.get $bestRatio) (f64.const 1e-9)) (local.get $k))
              (local.get $k))
          (then
            (local.set $median (f64.const 0))
            (if (i32.gt_s (local.get $n) (i32.const 0))
              (then (local.set $median (call $kthSmallest (local.get $at) (local.get $n) (local.get $k)))))
            (local.set $ratio (f64.div (f64.load (local.get $peakAt)) (f64.max (f64.const 1e-9) (local.get $median))))
            (if (f64.lt (local.get $ratio) (f64.sub (local.get $bestRatio) (f64.const 1e-9))) (then
              (local.set $bestRatio (local.get $ratio))
              (local.set $best (local.get $d))))))))
      (local.set $d (i32.sub (local.get $d) (i32.const 4)))
      (br $shift)))
    (local.get $best))
)
