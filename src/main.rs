//! `aetherc`, the AetherLang compiler driver: parses the command line and runs the stages
//! source → AST → typed HIR → MIR → LLVM IR → object → executable, stopping where `--emit` says.
//!
//! Exit status: 0 on success, 1 when the program has errors (or a tool such as the linker
//! fails), 101 on an internal compiler error (a bug: it is reported, never a raw panic).

mod runtime_archive;
mod session;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use session::{EmitKind, Session};

#[derive(Parser, Debug)]
#[command(name = "aetherc", version, about = "The AetherLang compiler", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    build: BuildArgs,

    /// Print the explanation of an error code (`aetherc --explain E0308`) and exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a program for errors without generating code.
    Check { file: PathBuf },
    /// Compile a program and run it; arguments after `--` go to the program.
    Run {
        #[command(flatten)]
        build: BuildArgs,
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Compile the program's `#[test]` functions into a test runner and run it.
    Test {
        #[command(flatten)]
        build: BuildArgs,
    },
}

#[derive(Args, Debug, Clone)]
struct BuildArgs {
    /// The `.ae` file to compile (its `mod m;` files are found next to it).
    file: Option<PathBuf>,

    /// Optimization level: 0, 1, 2, 3, s (size) or z (smallest size). `-O3` is `-O 3`.
    #[arg(short = 'O', value_name = "LEVEL", default_value = "0")]
    opt: OptArg,

    /// Output file (for several `--emit` kinds, its extension is replaced per kind).
    #[arg(short = 'o', value_name = "OUT")]
    output: Option<PathBuf>,

    /// What to produce, comma-separated: exe, obj, asm, llvm-ir, llvm-bc, mir, ast.
    /// Textual kinds go to standard output when no `-o` is given.
    #[arg(long, value_delimiter = ',', value_name = "KINDS", default_value = "exe")]
    emit: Vec<EmitKind>,

    /// Target triple to generate code for (default: the host).
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,

    /// Code generation option `KEY=VALUE`; supported: `target-cpu=NAME` (`native` for the host CPU).
    #[arg(short = 'C', value_name = "OPT")]
    codegen: Vec<String>,

    /// Generate debug information.
    #[arg(short = 'g')]
    debug: bool,

    /// Print compiler information instead of compiling: `frame-layout`.
    #[arg(long, value_name = "WHAT")]
    print: Option<String>,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum OptArg {
    #[value(name = "0")]
    O0,
    #[value(name = "1")]
    O1,
    #[value(name = "2")]
    O2,
    #[value(name = "3")]
    O3,
    #[value(name = "s")]
    Os,
    #[value(name = "z")]
    Oz,
}

impl From<OptArg> for aether_backend_llvm::OptLevel {
    fn from(o: OptArg) -> Self {
        use aether_backend_llvm::OptLevel::*;
        match o {
            OptArg::O0 => O0,
            OptArg::O1 => O1,
            OptArg::O2 => O2,
            OptArg::O3 => O3,
            OptArg::Os => Os,
            OptArg::Oz => Oz,
        }
    }
}

/// What the driver was asked to do, after the command line is validated.
enum Action {
    Build,
    Check,
    Run(Vec<String>),
    Test,
}

/// Output piped into a reader that stops early (`aetherc --explain E0382 | head`) ends the
/// process quietly, as for other Unix tools (and rustc), instead of panicking on EPIPE.
#[cfg(unix)]
fn restore_sigpipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: resetting a signal's disposition to its default before any thread starts.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    if let Some(code) = &cli.explain {
        return explain(code);
    }
    let (action, args) = match cli.command {
        None => (Action::Build, cli.build),
        Some(Command::Check { file }) => (Action::Check, BuildArgs { file: Some(file), ..cli.build }),
        Some(Command::Run { build, args }) => (Action::Run(args), build),
        Some(Command::Test { build }) => (Action::Test, build),
    };
    let session = match Session::from_args(args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(1);
        }
    };
    // Deeply nested source (thousands of parentheses) recurses deeply in every stage; a large
    // stack keeps that a non-event. A panic is a compiler bug: report it as such.
    let handle = std::thread::Builder::new().stack_size(512 << 20).spawn(move || session.run(action));
    match handle.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            eprintln!("error: internal compiler error: {msg}");
            eprintln!("note: this is a bug in aetherc; please report it with the input that caused it");
            ExitCode::from(101)
        }
        Err(e) => {
            eprintln!("error: could not start the compiler thread: {e}");
            ExitCode::from(101)
        }
    }
}

fn explain(code: &str) -> ExitCode {
    let code = code.trim().to_ascii_uppercase();
    match aether_frontend::error_codes::explain(&code) {
        Some(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: `{code}` is not a valid error code");
            ExitCode::from(1)
        }
    }
}
