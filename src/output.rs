//! What `orca check`, `orca run` and `orca run --commands` write, and how they end when their
//! reader goes away.

use std::io::{self, IsTerminal, Write};

/// Where `check` and `run` write. Standard output may be a pipe that closes early
/// (`orca run … | head`): every write goes through [`Out::line`], and a closed pipe ends the
/// command quietly with status 0, as the reader has all it wanted. Messages to standard error
/// go through [`note`], which never fails.
pub struct Out {
    w: Box<dyn Write>,
}

/// Standard output was closed by its reader.
pub struct Closed;

impl Out {
    pub fn stdout() -> Out {
        let stdout = io::stdout();
        let w: Box<dyn Write> = if stdout.is_terminal() {
            // Line-buffered, so a long run shows its events as they happen.
            Box::new(stdout.lock())
        } else {
            Box::new(io::BufWriter::with_capacity(64 * 1024, stdout.lock()))
        };
        Out { w }
    }

    pub fn line(&mut self, text: &str) -> Result<(), Closed> {
        let r = writeln!(self.w, "{text}");
        closed(r)
    }

    pub fn flush(&mut self) -> Result<(), Closed> {
        let r = self.w.flush();
        closed(r)
    }
}

/// A failed write to standard output: a closed pipe is the reader's choice and ends the
/// command; any other error (a full disk) is reported once and ends it too.
fn closed(r: io::Result<()>) -> Result<(), Closed> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Closed),
        Err(e) => {
            note(&format!("cannot write the output: {e}"));
            Err(Closed)
        }
    }
}

/// A line on standard error; if that is closed too, there is no one left to tell.
pub fn note(text: &str) {
    let _ = writeln!(io::stderr(), "{text}");
}

/// The status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;
