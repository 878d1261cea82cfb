//! Where a rendered notice goes: [`Provider`] is one way out (an email server, an SMS gateway,
//! a push service). Email goes over SMTP ([`SmtpEmail`]) when a server is configured
//! (`PRISM_SMTP_ADDR`); SMS and push, and email without a server, go to [`LoggingProvider`],
//! which writes the message to the log — the default until a real gateway is plugged in behind
//! the trait. An email may carry one [`Attachment`] (a scheduled report's file): it then goes
//! as `multipart/mixed`, the text first.

use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A notice ready to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Subject (email) or title.
    pub subject: String,
    /// Text.
    pub body: String,
    /// A stable id of this notice to this recipient (the email's `Message-ID`), so that the
    /// receiving side can drop a copy that crossed a crash.
    pub message_id: String,
    /// A file sent with it (email only).
    pub attachment: Option<Attachment>,
}

/// A file attached to a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Its file name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Why a notice was not handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The recipient can never be reached this way (a malformed address): retrying cannot help.
    Refused(String),
    /// The provider is out of reach or declined for now: worth retrying.
    Unavailable(String),
}

/// One way out for notices.
#[async_trait::async_trait]
pub trait Provider: Send + Sync {
    /// Sends `notice` to `to` (an address, a number, a device).
    ///
    /// # Errors
    /// Why it could not be handed over.
    async fn send(&self, to: &str, notice: &Outgoing) -> Result<(), SendError>;
}

/// Email over plain SMTP.
pub struct SmtpEmail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpEmail {
    /// Email through the SMTP server at `addr` (`host:port`), from `from` (`Name <address>`).
    ///
    /// # Errors
    /// When `addr` has no port or `from` is not a mailbox.
    pub fn new(addr: &str, from: &str) -> Result<Self, String> {
        let (host, port) = addr.rsplit_once(':').ok_or_else(|| format!("SMTP address {addr:?} is not host:port"))?;
        let port = port.parse().map_err(|_| format!("SMTP address {addr:?} has no valid port"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port).build();
        let from = from.parse().map_err(|error| format!("mail sender {from:?}: {error}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait::async_trait]
impl Provider for SmtpEmail {
    async fn send(&self, to: &str, notice: &Outgoing) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|error| SendError::Refused(format!("recipient {to:?}: {error}")))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&notice.subject)
            .message_id(Some(notice.message_id.clone()));
        let message = match &notice.attachment {
            None => builder.header(ContentType::TEXT_PLAIN).body(notice.body.clone()),
            Some(attachment) => {
                let media_type = ContentType::parse(&attachment.media_type)
                    .map_err(|error| SendError::Refused(format!("attachment type: {error}")))?;
                let file = MimeAttachment::new(attachment.file_name.clone()).body(attachment.bytes.clone(), media_type);
                builder
                    .multipart(MultiPart::mixed().singlepart(SinglePart::plain(notice.body.clone())).singlepart(file))
            }
        }
        .map_err(|error| SendError::Refused(error.to_string()))?;
        self.transport.send(message).await.map(drop).map_err(|error| SendError::Unavailable(format!("SMTP: {error}")))
    }
}

/// Writes each notice of `channel` to the log instead of sending it.
pub struct LoggingProvider {
    /// The channel it stands in for (`sms`, `push`, `email`).
    pub channel: &'static str,
}

#[async_trait::async_trait]
impl Provider for LoggingProvider {
    async fn send(&self, to: &str, notice: &Outgoing) -> Result<(), SendError> {
        let attachment = notice.attachment.as_ref().map(|attachment| attachment.file_name.as_str());
        tracing::info!(channel = self.channel, to, subject = %notice.subject, message_id = %notice.message_id,
            attachment, "notice logged (no provider configured)");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> Outgoing {
        Outgoing {
            subject: "Hi".into(),
            body: "Hello".into(),
            message_id: "<e.0@prism.notifications>".into(),
            attachment: None,
        }
    }

    #[tokio::test]
    async fn a_malformed_address_is_refused_for_good_and_a_server_out_of_reach_is_worth_retrying() {
        // Port 9 (discard) on this machine: nothing listens, so the connection is refused.
        let email = SmtpEmail::new("127.0.0.1:9", "Prism <no-reply@prism.test>").unwrap();
        let refused = email.send("not an address", &notice()).await;
        assert!(matches!(refused, Err(SendError::Refused(_))), "{refused:?}");
        let unavailable = email.send("ada@example.com", &notice()).await;
        assert!(matches!(unavailable, Err(SendError::Unavailable(_))), "{unavailable:?}");
        assert!(SmtpEmail::new("no-port", "Prism <no-reply@prism.test>").is_err());
    }
}
