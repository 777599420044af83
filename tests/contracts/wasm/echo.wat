;; A minimal CosmWasm contract for tests (interface version 8).
;; instantiate -> {"ok":{}}; execute returns its msg verbatim when it is a whole
;; ContractResult ({"ok":..} or {"error":..}, the test decides the response), else
;; {"ok":{}} (so it also accepts a cw20 receive); reply stores the Reply JSON under key "reply" and returns
;; {"ok":{}}; query -> {"ok":"e30="}. The body of execute is replaced by tests that need
;; hostile behaviour (the line marked BODY).
(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  (import "env" "db_write" (func $db_write (param i32 i32)))
  (import "env" "addr_validate" (func $addr_validate (param i32) (result i32)))
  (memory (export "memory") 17)
  (global $heap (mut i32) (i32.const 0x10000))
  (data (i32.const 0x100) "{\"ok\":{}}")
  (data (i32.const 0x200) "\00\01\00\00\09\00\00\00\09\00\00\00")
  (data (i32.const 0x300) "reply")
  (data (i32.const 0x400) "\00\03\00\00\05\00\00\00\05\00\00\00")
  (data (i32.const 0x500) "{\"ok\":\"e30=\"}")
  (data (i32.const 0x600) "\00\05\00\00\0d\00\00\00\0d\00\00\00")
  ;; a region whose data lies far outside memory
  (data (i32.const 0x700) "\00\f0\ff\7f\10\00\00\00\10\00\00\00")
  (func $allocate (export "allocate") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32)
    global.get $heap
    local.set $ptr
    local.get $ptr
    i32.const 12
    i32.add
    local.get $size
    i32.add
    i32.const 7
    i32.add
    i32.const -8
    i32.and
    local.set $end
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
    local.get $ptr)
  (func (export "deallocate") (param i32))
  (func (export "interface_version_8"))
  (func (export "instantiate") (param i32 i32 i32) (result i32)
    i32.const 0x200)
  (func $recurse (param $n i32) (result i32)
    (call $recurse (i32.add (local.get $n) (i32.const 1))))
  (func $echo (param $msg i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u offset=2 (i32.load (local.get $msg))))
    (if (result i32) (i32.or (i32.eq (local.get $c) (i32.const 0x6f)) (i32.eq (local.get $c) (i32.const 0x65)))
      (then (local.get $msg))
      (else (i32.const 0x200))))
  (func (export "execute") (param $env i32) (param $info i32) (param $msg i32) (result i32)
    (call $echo (local.get $msg)) ;; BODY
  )
  (func (export "query") (param i32 i32) (result i32)
    i32.const 0x600)
  (func (export "reply") (param $env i32) (param $reply i32) (result i32)
    (call $db_write (i32.const 0x400) (local.get $reply))
    i32.const 0x200)
)
