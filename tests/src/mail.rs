//! Sinks for outgoing messages: a real SMTP server (in process) and an HTTP SMS gateway.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A received e-mail, decoded.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// Decoded subject.
    pub subject: String,
    /// Decoded `text/plain` part.
    pub text: String,
    /// Decoded `text/html` part.
    pub html: String,
}

impl Mail {
    /// The first URL in the text that starts with `prefix`.
    #[must_use]
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let rest = &self.text[start..];
        let end = rest
            .find(|character: char| character.is_whitespace())
            .unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    }

    /// The first six-digit number in the text.
    #[must_use]
    pub fn code(&self) -> Option<String> {
        six_digits(&self.text)
    }
}

/// The first run of exactly six digits in `text`.
#[must_use]
pub fn six_digits(text: &str) -> Option<String> {
    let bytes: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index].is_ascii_digit() {
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_digit() {
                index += 1;
            }
            if index - start == 6 {
                return Some(bytes[start..index].iter().collect());
            }
        } else {
            index += 1;
        }
    }
    None
}

/// An SMTP server on 127.0.0.1 that keeps every message. It can be told to answer with a
/// temporary failure (as a mail server that is down would), to test retries.
#[derive(Debug, Clone)]
pub struct MailSink {
    /// Its port.
    pub port: u16,
    messages: Arc<Mutex<Vec<Mail>>>,
    accepting: Arc<AtomicBool>,
}

impl MailSink {
    /// Starts the server.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink");
        let port = listener.local_addr().expect("address").port();
        let sink = Self {
            port,
            messages: Arc::default(),
            accepting: Arc::new(AtomicBool::new(true)),
        };
        let (messages, accepting) = (sink.messages.clone(), sink.accepting.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (messages, accepting) = (messages.clone(), accepting.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, messages, accepting).await;
                });
            }
        });
        sink
    }

    /// Whether new messages are accepted (`false`: `451` temporary failure).
    pub fn set_accepting(&self, accepting: bool) {
        self.accepting.store(accepting, Ordering::SeqCst);
    }

    /// Every message so far.
    #[must_use]
    pub fn messages(&self) -> Vec<Mail> {
        self.messages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Messages to `address`.
    #[must_use]
    pub fn messages_to(&self, address: &str) -> Vec<Mail> {
        self.messages()
            .into_iter()
            .filter(|mail| mail.to.iter().any(|to| to.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Waits (up to 15 s) for a message to `address` with `subject`; returns the first one.
    pub async fn wait_for_subject(&self, address: &str, subject: &str) -> Mail {
        crate::eventually(
            Duration::from_secs(15),
            async || {
                self.messages_to(address)
                    .into_iter()
                    .find(|mail| mail.subject == subject)
            },
            || {
                let subjects: Vec<String> = self
                    .messages_to(address)
                    .into_iter()
                    .map(|mail| mail.subject)
                    .collect();
                format!("{address} received no message {subject:?}: {subjects:?}")
            },
        )
        .await
    }

    /// Waits (up to 15 s) until `address` has received `count` messages; returns them.
    pub async fn wait_for(&self, address: &str, count: usize) -> Vec<Mail> {
        crate::eventually(
            Duration::from_secs(15),
            async || {
                let received = self.messages_to(address);
                (received.len() >= count).then_some(received)
            },
            || {
                let everything: Vec<(Vec<String>, String)> = self
                    .messages()
                    .into_iter()
                    .map(|mail| (mail.to, mail.subject))
                    .collect();
                format!(
                    "{address} received {} message(s), expected {count}: {everything:?}",
                    self.messages_to(address).len()
                )
            },
        )
        .await
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    messages: Arc<Mutex<Vec<Mail>>>,
    accepting: Arc<AtomicBool>,
) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            writer
                .write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            writer.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RSET") {
            recipients.clear();
            writer.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("MAIL FROM") {
            if accepting.load(Ordering::SeqCst) {
                writer.write_all(b"250 OK\r\n").await?;
            } else {
                writer.write_all(b"451 4.3.0 try again later\r\n").await?;
            }
        } else if command.starts_with("RCPT TO") {
            let address = line
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(address, _)| address.to_owned())
                .unwrap_or_default();
            recipients.push(address);
            writer.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("DATA") {
            writer.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            let mut mail = parse_message(&data);
            mail.to = std::mem::take(&mut recipients);
            messages
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(mail);
            writer.write_all(b"250 OK queued\r\n").await?;
        } else if command.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            writer.write_all(b"502 not implemented\r\n").await?;
        }
    }
}

/// Splits headers from body and unfolds the headers.
fn split(message: &str) -> (Vec<(String, String)>, String) {
    let normalized = message.replace("\r\n", "\n");
    let (head, body) = normalized.split_once("\n\n").unwrap_or((&normalized, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    (headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'=' if bytes.get(index + 1) == Some(&b'\n') => index += 2,
            b'=' if index + 2 < bytes.len() => {
                match u8::from_str_radix(&text[index + 1..index + 3], 16) {
                    Ok(byte) => out.push(byte),
                    Err(_) => out.extend_from_slice(&bytes[index..index + 3]),
                }
                index += 3;
            }
            byte => {
                out.push(byte);
                index += 1;
            }
        }
    }
    out
}

fn decode_body(headers: &[(String, String)], body: &str) -> String {
    let encoding = header(headers, "content-transfer-encoding").to_ascii_lowercase();
    let bytes = if encoding.contains("base64") {
        STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .unwrap_or_default()
    } else if encoding.contains("quoted-printable") {
        decode_quoted_printable(body)
    } else {
        body.as_bytes().to_vec()
    };
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let between = &rest[..start];
        // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
        if !(after_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        let Some(end) = rest[start + 2..].find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let word = &rest[start + 2..start + 2 + end];
        let mut parts = word.splitn(3, '?');
        let (_, kind, text) = (
            parts.next(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let bytes = if kind.eq_ignore_ascii_case("b") {
            STANDARD.decode(text).unwrap_or_default()
        } else {
            decode_quoted_printable(&text.replace('_', " "))
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &rest[start + 2 + end + 2..];
        after_word = true;
    }
    out.push_str(rest);
    out
}

fn parse_message(message: &str) -> Mail {
    let (headers, body) = split(message);
    let mut mail = Mail {
        subject: decode_words(header(&headers, "subject")),
        ..Mail::default()
    };
    collect_parts(&headers, &body, &mut mail);
    mail
}

fn collect_parts(headers: &[(String, String)], body: &str, mail: &mut Mail) {
    let content_type = header(headers, "content-type").to_owned();
    if content_type.to_ascii_lowercase().starts_with("multipart/") {
        let boundary = content_type
            .split(';')
            .find_map(|parameter| parameter.trim().strip_prefix("boundary="))
            .map(|boundary| boundary.trim_matches('"').to_owned())
            .unwrap_or_default();
        for part in body.split(&format!("--{boundary}")).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let (part_headers, part_body) = split(part.trim_start_matches('\n'));
            collect_parts(&part_headers, &part_body, mail);
        }
    } else if content_type.to_ascii_lowercase().starts_with("text/html") {
        mail.html = decode_body(headers, body);
    } else {
        mail.text = decode_body(headers, body);
    }
}

/// An HTTP SMS gateway that keeps every message (JSON `{to, from, text}` bodies).
#[derive(Debug, Clone)]
pub struct SmsSink {
    /// The URL to configure as `sms.url`.
    pub url: String,
    messages: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl SmsSink {
    /// Starts the gateway.
    pub async fn start() -> Self {
        use axum::http::StatusCode;
        use axum::routing::post;
        let messages: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
        let kept = messages.clone();
        let router = axum::Router::new().route(
            "/sms",
            post(move |axum::Json(body): axum::Json<serde_json::Value>| {
                let kept = kept.clone();
                async move {
                    kept.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(body);
                    StatusCode::ACCEPTED
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMS sink");
        let url = format!(
            "http://127.0.0.1:{}/sms",
            listener.local_addr().expect("address").port()
        );
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { url, messages }
    }

    /// The texts received for `number` so far.
    #[must_use]
    pub fn messages_to(&self, number: &str) -> Vec<String> {
        self.messages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|message| message["to"] == number)
            .filter_map(|message| message["text"].as_str().map(str::to_owned))
            .collect()
    }

    /// Waits (up to 15 s) for `count` messages to `number`; returns their texts.
    pub async fn wait_for(&self, number: &str, count: usize) -> Vec<String> {
        for _ in 0..150 {
            let texts = self.messages_to(number);
            if texts.len() >= count {
                return texts;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{number} received fewer than {count} SMS");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_lettre_style_messages() {
        let raw = "From: G <a@b.c>\r\nSubject: =?utf-8?b?xJDEg25nIG5o4bqtcA==?=\r\nContent-Type: multipart/alternative;\r\n boundary=\"XYZ\"\r\n\r\n--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCode 123456 =\r\nhere=C3=A4\r\n--XYZ\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+aGk8L3A+\r\n--XYZ--\r\n";
        let mail = parse_message(raw);
        assert_eq!(mail.subject, "Đăng nhập");
        assert_eq!(
            decode_words("=?utf-8?b?WMOhYw==?= =?utf-8?b?IG5o?= email =?utf-8?b?Y+G7p2E=?="),
            "Xác nh email của"
        );
        assert!(
            mail.text.contains("Code 123456 here\u{e4}"),
            "{:?}",
            mail.text
        );
        assert_eq!(mail.html, "<p>hi</p>");
        assert_eq!(mail.code().as_deref(), Some("123456"));
        assert_eq!(six_digits("1234567 and 654321"), Some("654321".into()));
    }
}
