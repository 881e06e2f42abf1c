; Stands for code aetherc emits, to prove how compiled code unwinds (see runtime/src/panic.rs):
; functions carry `personality ptr @aether_rt_eh_personality` and `uwtable`, calls that may unwind are
; `invoke`s whose cleanup landing pad runs drops and then `resume`s, and the C `main` hands the AetherLang
; `main` to `aether_rt_start`. The scenario is picked by the number of command-line arguments:
;   none:      `inner` panics through `middle` (a frame without landing pad) into `with_cleanup`, whose
;              landing pad prints "cleanup ran"; `aether_rt_start` catches the panic: status 101.
;   one:       the landing pad itself panics while unwinding (a drop panicking): the process aborts.
;   two:       no panic: prints "no panic" and returns normally: status 0.
;   three:     an index out of bounds (`aether_rt_panic_bounds`) with the cleanup: status 101.

@cleanup_msg = private unnamed_addr constant [12 x i8] c"cleanup ran\0A"
@ok_msg = private unnamed_addr constant [9 x i8] c"no panic\0A"
@boom = private unnamed_addr constant [4 x i8] c"boom"
@drop_boom = private unnamed_addr constant [13 x i8] c"drop panicked"
@file = private unnamed_addr constant [11 x i8] c"src/main.ae"

declare void @aether_rt_panic(ptr, i64, ptr, i64, i32, i32) noreturn
declare void @aether_rt_panic_bounds(i64, i64, ptr, i64, i32, i32) noreturn
declare void @aether_rt_stdout_write(ptr, i64)
declare i64 @aether_rt_argc()
declare i32 @aether_rt_start(i32, ptr, ptr)
declare i32 @aether_rt_eh_personality(...)

define void @inner(i64 %mode) #0 {
entry:
  %bounds = icmp eq i64 %mode, 4
  br i1 %bounds, label %oob, label %plain
oob:
  call void @aether_rt_panic_bounds(i64 7, i64 3, ptr @file, i64 11, i32 9, i32 13)
  unreachable
plain:
  call void @aether_rt_panic(ptr @boom, i64 4, ptr @file, i64 11, i32 3, i32 5)
  unreachable
}

; A frame with no landing pad: the exception must pass through it.
define void @middle(i64 %mode) #0 {
entry:
  call void @inner(i64 %mode)
  ret void
}

define void @with_cleanup(i64 %mode) #0 personality ptr @aether_rt_eh_personality {
entry:
  invoke void @middle(i64 %mode) to label %cont unwind label %lpad
cont:
  ret void
lpad:
  %lp = landingpad { ptr, i32 } cleanup
  call void @aether_rt_stdout_write(ptr @cleanup_msg, i64 12)
  %nested = icmp eq i64 %mode, 2
  br i1 %nested, label %drop_panics, label %done
drop_panics:
  call void @aether_rt_panic(ptr @drop_boom, i64 13, ptr @file, i64 11, i32 20, i32 9)
  unreachable
done:
  resume { ptr, i32 } %lp
}

define void @user_main() #0 {
entry:
  %mode = call i64 @aether_rt_argc()
  %normal = icmp eq i64 %mode, 3
  br i1 %normal, label %ok, label %panics
ok:
  call void @aether_rt_stdout_write(ptr @ok_msg, i64 9)
  ret void
panics:
  call void @with_cleanup(i64 %mode)
  ret void
}

define i32 @main(i32 %argc, ptr %argv) #0 {
entry:
  %status = call i32 @aether_rt_start(i32 %argc, ptr %argv, ptr @user_main)
  ret i32 %status
}

attributes #0 = { uwtable }
