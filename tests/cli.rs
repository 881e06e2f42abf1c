//! The driver's behaviour as a user sees it: exit codes, emitted files, refused options, and
//! robustness against malformed input (never a panic).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn aetherc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aetherc")).args(args).current_dir(dir).output().expect("run aetherc")
}

fn write(dir: &Path, name: &str, text: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write source");
    p
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HELLO: &str = "fn main() { println!(\"hi {}\", 6 * 7); }\n";

#[test]
fn builds_and_runs_an_executable_at_every_level() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hello.ae", HELLO.as_bytes());
    for lvl in ["-O0", "-O1", "-O2", "-O3", "-Os", "-Oz"] {
        let o = aetherc(&[lvl, "hello.ae", "-o", "hello"], dir.path());
        assert!(o.status.success(), "{lvl}: {}", stderr(&o));
        let run = Command::new(dir.path().join("hello")).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&run.stdout), "hi 42\n", "{lvl}");
    }
}

#[test]
fn default_output_is_named_after_the_source() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "prog.ae", HELLO.as_bytes());
    let o = aetherc(&["prog.ae"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("prog").exists());
}

#[test]
fn run_subcommand_passes_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.ae", b"fn main() { let z = 0; println!(\"{}\", 1 / z); }\n");
    let o = aetherc(&["run", "p.ae"], dir.path());
    assert_eq!(o.status.code(), Some(101), "{}", stderr(&o));
    assert!(stderr(&o).contains("attempt to divide by zero"));
    write(dir.path(), "ok.ae", HELLO.as_bytes());
    let o = aetherc(&["run", "-O3", "ok.ae"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "hi 42\n");
}

#[test]
fn check_reports_errors_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.ae", HELLO.as_bytes());
    assert_eq!(aetherc(&["check", "ok.ae"], dir.path()).status.code(), Some(0));
    write(dir.path(), "bad.ae", b"fn main() { let x: i32 = true; }\n");
    let o = aetherc(&["check", "bad.ae"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[E0308]"), "{}", stderr(&o));
}

#[test]
fn emits_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "e.ae", HELLO.as_bytes());
    let o = aetherc(&["--emit=obj,asm,llvm-ir,llvm-bc,mir,ast", "e.ae", "-o", "out"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    for ext in ["o", "s", "ll", "bc", "mir", "ast"] {
        let p = dir.path().join(format!("out.{ext}"));
        assert!(std::fs::metadata(&p).map(|m| m.len() > 0).unwrap_or(false), "missing {}", p.display());
    }
    let ir = aetherc(&["--emit=llvm-ir", "e.ae"], dir.path());
    assert!(String::from_utf8_lossy(&ir.stdout).contains("define"), "LLVM IR goes to stdout without -o");
    let mir = aetherc(&["--emit=mir", "e.ae"], dir.path());
    assert!(String::from_utf8_lossy(&mir.stdout).contains("fn main() -> ()"));
}

#[test]
fn cross_compiles_objects_for_other_targets() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x.ae", HELLO.as_bytes());
    for (triple, magic) in [("aarch64-unknown-linux-gnu", 0xb7u16), ("riscv64-unknown-linux-gnu", 0xf3)] {
        let o = aetherc(&["-O2", "--target", triple, "--emit=obj", "x.ae", "-o", "x.o"], dir.path());
        assert!(o.status.success(), "{triple}: {}", stderr(&o));
        let bytes = std::fs::read(dir.path().join("x.o")).unwrap();
        assert_eq!(&bytes[..4], b"\x7fELF");
        assert_eq!(u16::from_le_bytes([bytes[18], bytes[19]]), magic, "ELF machine for {triple}");
    }
    let o = aetherc(&["--target", "aarch64-unknown-linux-gnu", "x.ae"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--emit=obj"), "{}", stderr(&o));
    let o = aetherc(&["--target", "nonsense-triple-xyz", "--emit=obj", "x.ae"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nonsense-triple-xyz"));
}

#[test]
fn target_cpu_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "c.ae", HELLO.as_bytes());
    let o = aetherc(&["-O3", "-C", "target-cpu=native", "c.ae", "-o", "c"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = aetherc(&["-C", "opt-level=3", "c.ae"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown codegen option"));
}

#[test]
fn print_kinds_are_checked_and_frame_layout_prints() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "u.ae", HELLO.as_bytes());
    let o = aetherc(&["--print", "sizes", "u.ae"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown `--print` kind `sizes`"), "{}", stderr(&o));
    let o = aetherc(&["--print", "frame-layout", "u.ae"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "no async functions\n");
}

#[test]
fn explain_prints_every_code_the_compiler_emits() {
    let dir = tempfile::tempdir().unwrap();
    // Every code that appears in the compiler's sources has an explanation.
    let mut codes = std::collections::BTreeSet::new();
    for crate_dir in ["frontend/src", "middle/src", "backend-llvm/src", "src"] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(crate_dir);
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs" || x == "lalrpop") && !p.ends_with("error_codes.rs") {
                    // (error_codes.rs is the table itself, and its tests name unknown codes.)
                    let text = std::fs::read_to_string(&p).unwrap();
                    for (i, _) in text.match_indices("\"E") {
                        let code = &text[i + 1..];
                        if code.len() >= 5
                            && code[1..5].chars().all(|c| c.is_ascii_digit())
                            && code.as_bytes().get(5) == Some(&b'"')
                        {
                            codes.insert(code[..5].to_string());
                        }
                    }
                }
            }
        }
    }
    assert!(codes.len() > 10, "found codes: {codes:?}");
    for code in &codes {
        let o = aetherc(&["--explain", code], dir.path());
        assert!(o.status.success(), "--explain {code}: {}", stderr(&o));
        assert!(!o.stdout.is_empty());
    }
    assert_eq!(aetherc(&["--explain", "E9999"], dir.path()).status.code(), Some(1));
}

/// Malformed inputs give diagnostics with codes and status 1; never a crash.
#[test]
fn malformed_input_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("truncated", b"fn main() { let x = (1 + ".to_vec()),
        ("unbalanced", b"fn main() { if true { println!(\"x\"); }\nfn f() {}\n".to_vec()),
        ("stray", b"fn main() { let x = 1 $ 2; } }".to_vec()),
        ("invalid_utf8", b"fn main() { let s = \"\xff\xfe\"; }\n".to_vec()),
        ("only_garbage", b"@@@ ### %%%".to_vec()),
        ("unterminated_string", b"fn main() { println!(\"abc); }".to_vec()),
        ("deep_nesting", format!("fn main() {{ let x = {}1{}; }}", "(".repeat(5000), ")".repeat(5000)).into_bytes()),
        ("deep_unclosed", format!("fn main() {{ {} }}", "{".repeat(3000)).into_bytes()),
    ];
    for (name, text) in cases {
        let file = format!("{name}.ae");
        write(dir.path(), &file, &text);
        let o = aetherc(&["check", &file], dir.path());
        let err = stderr(&o);
        assert!(!err.contains("panicked") && !err.contains("internal compiler error"), "{name}: {err}");
        if name == "deep_nesting" {
            assert_eq!(o.status.code(), Some(0), "{name}: {err}");
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains("error[E"), "{name} has no error code: {err}");
    }
}

#[test]
fn ten_megabyte_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut src = String::with_capacity(11 << 20);
    let mut i = 0;
    while src.len() < 10 << 20 {
        src.push_str(&format!("fn f{i}(a: i64, b: i64) -> i64 {{\n    let mut s = a;\n    while s < b {{ s = s * 3 + {i} % 7; }}\n    s\n}}\n"));
        i += 1;
    }
    src.push_str("fn main() { println!(\"{}\", f1(1, 100)); }\n");
    write(dir.path(), "big.ae", src.as_bytes());
    let o = aetherc(&["check", "big.ae"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Every conformance program (except the deliberate syntax error) and every ```aether block of
/// the design chapter parses with `aetherc --emit=ast`.
#[test]
fn emit_ast_parses_the_chapter_and_the_conformance_suite() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut stack = vec![shared.join("conformance")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ae") && !p.ends_with("errors/11_syntax_error.ae") {
                files.push(p);
            }
        }
    }
    let chapter = std::fs::read_to_string(shared.join("spec/seed-4.3-async.md")).unwrap();
    for (i, block) in chapter.split("```aether").skip(1).enumerate() {
        let code = block.split("```").next().unwrap();
        files.push(write(dir.path(), &format!("chapter_{i}.ae"), code.as_bytes()));
    }
    assert!(files.len() > 60, "found {} files", files.len());
    for f in &files {
        let o = Command::new(env!("CARGO_BIN_EXE_aetherc")).arg("--emit=ast").arg(f).output().unwrap();
        assert!(o.status.success(), "{}: {}", f.display(), stderr(&o));
        assert!(!o.stdout.is_empty());
    }
}

#[test]
fn debug_info_build_runs_and_has_line_tables() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "g.ae", HELLO.as_bytes());
    let o = aetherc(&["-g", "g.ae", "-o", "g"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let run = Command::new(dir.path().join("g")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), "hi 42\n");
    let Ok(dump) =
        Command::new("/usr/lib/llvm-22/bin/llvm-dwarfdump").arg("--debug-line").arg(dir.path().join("g")).output()
    else {
        eprintln!("llvm-dwarfdump is not installed: skipping the DWARF check");
        return;
    };
    assert!(String::from_utf8_lossy(&dump.stdout).contains("g.ae"), "no line table for g.ae");
}

/// Integer overflow panics at -O0 and wraps at -O1 and above, as in Rust; `pow` and `abs` follow
/// the same rule.
#[test]
fn overflow_checks_depend_on_the_level() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "fn add(a: u8, b: u8) -> u8 { a + b }\nfn main() { println!(\"{}\", add(200, 100)); }\n",
            "attempt to add with overflow",
            "44\n",
        ),
        (
            "fn p(b: i32) -> i32 { b.pow(31) }\nfn main() { println!(\"{}\", p(2)); }\n",
            "attempt to multiply with overflow",
            "-2147483648\n",
        ),
        (
            "fn a(x: i8) -> i8 { x.abs() }\nfn main() { println!(\"{}\", a(-128)); }\n",
            "attempt to negate with overflow",
            "-128\n",
        ),
        (
            "fn n(x: i64) -> i64 { -x }\nfn main() { println!(\"{}\", n(-9223372036854775807 - 1)); }\n",
            "attempt to negate with overflow",
            "-9223372036854775808\n",
        ),
    ];
    for (i, (src, msg, wrapped)) in cases.iter().enumerate() {
        let file = format!("o{i}.ae");
        write(dir.path(), &file, src.as_bytes());
        let o = aetherc(&["run", "-O0", &file], dir.path());
        assert_eq!(o.status.code(), Some(101), "{src}: {}", stderr(&o));
        assert!(stderr(&o).contains(msg), "{src}: {}", stderr(&o));
        let o = aetherc(&["run", "-O2", &file], dir.path());
        assert_eq!(o.status.code(), Some(0), "{src}: {}", stderr(&o));
        assert_eq!(String::from_utf8_lossy(&o.stdout), *wrapped, "{src}");
    }
}

/// `aetherc test` runs the `#[test]` functions (no `main` needed) and reports like libtest.
#[test]
fn test_subcommand_runs_test_functions() {
    let dir = tempfile::tempdir().unwrap();
    let src = "fn double(x: i32) -> i32 { x * 2 }\n\
               #[test]\nfn doubles() { assert_eq!(double(21), 42); }\n\
               #[test]\nfn fails() { assert!(double(1) == 3, \"double(1) was {}\", double(1)); }\n";
    write(dir.path(), "t.ae", src.as_bytes());
    let o = aetherc(&["test", "t.ae"], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(101), "{out}{}", stderr(&o));
    assert!(out.contains("running 2 tests"), "{out}");
    assert!(out.contains("test doubles ... ok"), "{out}");
    assert!(out.contains("test fails ... FAILED"), "{out}");
    assert!(out.contains("test result: FAILED. 1 passed; 1 failed"), "{out}");
    assert!(stderr(&o).contains("thread 'fails' panicked at"), "{}", stderr(&o));
    assert!(stderr(&o).contains("double(1) was 2"), "{}", stderr(&o));
    let ok = "#[test]\nfn t() { assert_eq!(1 + 1, 2); }\n";
    write(dir.path(), "ok.ae", ok.as_bytes());
    let o = aetherc(&["test", "ok.ae"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
