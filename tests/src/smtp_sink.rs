//! A real SMTP server for tests, in-process: it speaks the protocol (greeting, `EHLO`/`HELO`,
//! `MAIL FROM`, `RCPT TO`, `DATA` to the lone `.`, `RSET`, `NOOP`, `QUIT`) on a port of its own
//! and keeps every message it accepts, so a test can read what was sent, to whom.

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

/// One message the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The `RCPT TO` addresses.
    pub recipients: Vec<String>,
    /// The message as sent: headers, blank line, body.
    pub data: String,
}

impl Mail {
    /// The value of header `name` (case-insensitive), if present.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.data.lines().take_while(|line| !line.is_empty()).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// A running sink.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    /// `host:port` it listens on.
    pub addr: String,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Starts a sink on a free port.
    ///
    /// # Panics
    /// When no port can be bound.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("bound").to_string();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, kept.clone()));
            }
        });
        Self { addr, mails }
    }

    /// Every message accepted so far, in order.
    pub async fn mails(&self) -> Vec<Mail> {
        self.mails.lock().await.clone()
    }

    /// The messages accepted so far for `recipient`.
    pub async fn mails_to(&self, recipient: &str) -> Vec<Mail> {
        self.mails().await.into_iter().filter(|mail| mail.recipients.iter().any(|to| to == recipient)).collect()
    }
}

/// One SMTP session: the commands until `QUIT` or the connection closes.
async fn serve(stream: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut recipients = Vec::new();
    if writer.write_all(b"220 prism-test-sink ESMTP\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" | "NOOP" => b"250 ok\r\n",
            "MAIL" => {
                recipients.clear();
                b"250 ok\r\n"
            }
            "RCPT" => {
                recipients.push(address_of(&line));
                b"250 ok\r\n"
            }
            "RSET" => {
                recipients.clear();
                b"250 ok\r\n"
            }
            "DATA" => {
                if writer.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.is_err() {
                    return;
                }
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
                    data.push('\n');
                }
                mails.lock().await.push(Mail { recipients: std::mem::take(&mut recipients), data });
                b"250 accepted\r\n"
            }
            "QUIT" => {
                let _ = writer.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"502 not implemented\r\n",
        };
        if writer.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The address of `MAIL FROM:<a>` or `RCPT TO:<a>`.
fn address_of(line: &str) -> String {
    line.split_once('<').and_then(|(_, rest)| rest.split_once('>')).map_or_else(String::new, |(a, _)| a.to_owned())
}
