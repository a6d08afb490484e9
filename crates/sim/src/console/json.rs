//! JSON as the CLIs print it: indented by four spaces (the AWS CLI's `--output json`, and
//! kubectl's JSON printer, `json.MarshalIndent(obj, "", "    ")`).

use serde_json::Value;

/// `v` indented by four spaces, without a final newline.
pub fn pretty(v: &Value) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    match serde::Serialize::serialize(v, &mut ser) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!("{{\"error\": \"{e}\"}}"),
    }
}
