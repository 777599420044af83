;; A CosmWasm contract (interface version 8) for issue 17's deep-JSON tests.
;; execute reads its msg as {"<verb>":<depth>} (the verb's first letter decides):
;;   {"respond":N} returns {"ok":  + N x "[" + N x "]" + }  as its result;
;;   {"query":N}   sends {"bank":{"balance": + N x "[" + N x "]" + }} through query_chain,
;;                 stores the querier's answer under the key "answer", returns {"ok":{}}.
;; instantiate -> {"ok":{}}; query -> {"ok":"e30="}.
(module
  (import "env" "db_write" (func $db_write (param i32 i32)))
  (import "env" "query_chain" (func $query_chain (param i32) (result i32)))
  (memory (export "memory") 17)
  (global $heap (mut i32) (i32.const 0x10000))
  (data (i32.const 0x100) "{\"ok\":{}}")
  (data (i32.const 0x200) "\00\01\00\00\09\00\00\00\09\00\00\00")
  (data (i32.const 0x300) "answer")
  (data (i32.const 0x400) "\00\03\00\00\06\00\00\00\06\00\00\00")
  (data (i32.const 0x500) "{\"ok\":\"e30=\"}")
  (data (i32.const 0x600) "\00\05\00\00\0d\00\00\00\0d\00\00\00")
  (data (i32.const 0x700) "{\"ok\":")
  (data (i32.const 0x720) "{\"bank\":{\"balance\":")
  (data (i32.const 0x740) "}}")
  (func $allocate (export "allocate") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (i32.add (local.get $ptr) (i32.const 12)) (local.get $size)) (i32.const 7))
                             (i32.const -8)))
    (block $ok
      (br_if $ok (i32.le_u (local.get $end) (i32.mul (memory.size) (i32.const 65536))))
      (br_if $ok (i32.ne
        (memory.grow (i32.add (i32.div_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1)))
        (i32.const -1)))
      unreachable)
    (i32.store (local.get $ptr) (i32.add (local.get $ptr) (i32.const 12)))
    (i32.store offset=4 (local.get $ptr) (local.get $size))
    (i32.store offset=8 (local.get $ptr) (i32.const 0))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func (export "deallocate") (param i32))
  (func (export "interface_version_8"))
  (func (export "instantiate") (param i32 i32 i32) (result i32)
    (i32.const 0x200))
  (func (export "query") (param i32 i32) (result i32)
    (i32.const 0x600))
  ;; n bytes from src to dst
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
  ;; n copies of byte at dst
  (func $fill (param $dst i32) (param $byte i32) (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (local.get $byte))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
  ;; a new region holding prefix + depth x "[" + depth x "]" + suffix
  (func $nested (param $pre i32) (param $pre_len i32) (param $depth i32) (param $suf i32) (param $suf_len i32)
                (result i32)
    (local $len i32) (local $region i32) (local $p i32)
    (local.set $len (i32.add (i32.add (local.get $pre_len) (local.get $suf_len)) (i32.shl (local.get $depth) (i32.const 1))))
    (local.set $region (call $allocate (local.get $len)))
    (local.set $p (i32.load (local.get $region)))
    (call $copy (local.get $p) (local.get $pre) (local.get $pre_len))
    (local.set $p (i32.add (local.get $p) (local.get $pre_len)))
    (call $fill (local.get $p) (i32.const 0x5b) (local.get $depth))
    (local.set $p (i32.add (local.get $p) (local.get $depth)))
    (call $fill (local.get $p) (i32.const 0x5d) (local.get $depth))
    (local.set $p (i32.add (local.get $p) (local.get $depth)))
    (call $copy (local.get $p) (local.get $suf) (local.get $suf_len))
    (i32.store offset=8 (local.get $region) (local.get $len))
    (local.get $region))
  ;; the decimal number after the first ":" of the region's data
  (func $number (param $region i32) (result i32)
    (local $p i32) (local $end i32) (local $n i32) (local $c i32)
    (local.set $p (i32.load (local.get $region)))
    (local.set $end (i32.add (local.get $p) (i32.load offset=8 (local.get $region))))
    (block $found
      (loop $seek
        (br_if $found (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $found (i32.eq (local.get $c) (i32.const 0x3a)))
        (br $seek)))
    (block $done
      (loop $digit
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $c)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digit)))
    (local.get $n))
  (func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (local $depth i32)
    (local.set $depth (call $number (local.get $msg)))
    (if (result i32) (i32.eq (i32.load8_u offset=2 (i32.load (local.get $msg))) (i32.const 0x72)) ;; "r"espond
      (then
        (call $nested (i32.const 0x700) (i32.const 6) (local.get $depth) (i32.const 0x741) (i32.const 1)))
      (else
        (call $db_write (i32.const 0x400)
          (call $query_chain
            (call $nested (i32.const 0x720) (i32.const 19) (local.get $depth) (i32.const 0x740) (i32.const 2))))
        (i32.const 0x200))))
)
