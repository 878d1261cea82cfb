//! Log lines, to standard error (standard output stays the program's own: the benchmark's JSON
//! results, a tool's answer): human-readable text (the default), or JSON objects one a line for a
//! log pipeline. A JSON line holds `timestamp`, `level`, `target`, `message` and the event's
//! fields, and — flattened to the top level from the spans in scope, the innermost winning — the
//! request context: `tenant`, `correlation_id`, `trace_id` and `span_id` (the exported span's
//! ids when spans are exported, else those the spans record).

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer};

use super::traces;

/// Span fields copied to the top level of each JSON line.
pub const CONTEXT_FIELDS: [&str; 4] = ["tenant", "correlation_id", "trace_id", "span_id"];

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// The log layer in `format`, showing what `filter` lets through.
pub(super) fn layer<S>(format: LogFormat, filter: EnvFilter) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Text => lines.with_target(true).with_filter(filter).boxed(),
        LogFormat::Json => lines.fmt_fields(JsonFields::new()).event_format(JsonLines).with_filter(filter).boxed(),
    }
}

/// Formats an event as one JSON object (spans' fields recorded by [`JsonFields`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonLines;

impl<S> FormatEvent<S, JsonFields> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        let mut line = Map::new();
        line.insert(
            "timestamp".to_owned(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).into(),
        );
        line.insert("level".to_owned(), metadata.level().as_str().into());
        line.insert("target".to_owned(), metadata.target().into());
        event.record(&mut FieldsInto(&mut line));
        for span in ctx.event_scope().into_iter().flat_map(tracing_subscriber::registry::Scope::from_root) {
            let extensions = span.extensions();
            let Some(fields) = extensions.get::<FormattedFields<JsonFields>>() else { continue };
            let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(fields) else { continue };
            for (key, value) in fields.into_iter().filter(|(key, _)| CONTEXT_FIELDS.contains(&key.as_str())) {
                line.insert(key, value);
            }
        }
        if let Some((trace_id, span_id)) = traces::current_ids() {
            line.insert("trace_id".to_owned(), trace_id.into());
            line.insert("span_id".to_owned(), span_id.into());
        }
        writeln!(writer, "{}", Value::Object(line))
    }
}

/// Records an event's fields into a JSON object.
struct FieldsInto<'a>(&'a mut Map<String, Value>);

impl Visit for FieldsInto<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), value.into());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.into());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0.insert(field.name().to_owned(), value.to_string().into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex, PoisonError};

    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    /// A writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Self;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    impl Buffer {
        fn lines(&self) -> Vec<Value> {
            let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner).clone();
            String::from_utf8(bytes)
                .expect("utf-8")
                .lines()
                .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
                .collect()
        }
    }

    /// The JSON lines `log` writes.
    fn json_lines(log: impl FnOnce()) -> Vec<Value> {
        let buffer = Buffer::default();
        let layer = tracing_subscriber::fmt::layer()
            .fmt_fields(JsonFields::new())
            .event_format(JsonLines)
            .with_writer(buffer.clone());
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), log);
        buffer.lines()
    }

    #[test]
    fn a_json_line_has_the_event_and_the_request_context_of_its_spans_at_the_top_level() {
        let lines = json_lines(|| {
            let request = tracing::info_span!(
                "http.request",
                method = "POST",
                tenant = tracing::field::Empty,
                correlation_id = "c-1",
                trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
            );
            let _request = request.enter();
            request.record("tenant", "acme");
            let handler = tracing::info_span!("post", tenant = "globex", entry_id = 7);
            let _handler = handler.enter();
            tracing::warn!(amount = 5, balanced = false, "entry refused");
        });
        let [line] = lines.as_slice() else { panic!("one line: {lines:?}") };
        assert_eq!(line["level"], "WARN");
        assert_eq!(line["target"], module_path!());
        assert_eq!(line["message"], "entry refused");
        assert_eq!((&line["amount"], &line["balanced"]), (&Value::from(5), &Value::from(false)));
        assert_eq!(line["tenant"], "globex", "the innermost span's value wins");
        assert_eq!(line["correlation_id"], "c-1");
        assert_eq!(line["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert!(line.get("method").is_none() && line.get("entry_id").is_none(), "only the context is flattened");
        let timestamp = line["timestamp"].as_str().expect("a timestamp");
        assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(), "{timestamp}");
    }

    #[test]
    fn a_json_line_outside_any_span_has_no_context() {
        let lines = json_lines(|| tracing::info!(answer = "yes", "hello"));
        let [line] = lines.as_slice() else { panic!("one line: {lines:?}") };
        assert_eq!((&line["message"], &line["answer"]), (&Value::from("hello"), &Value::from("yes")));
        for key in CONTEXT_FIELDS {
            assert!(line.get(key).is_none(), "{key}");
        }
    }
}
