//! `--output table`: the AWS CLI's boxed tables (its `TableFormatter` in `awscli/formatter.py`
//! and `MultiTable` in `awscli/table.py`). The response becomes sections: a dictionary's
//! scalar values are one row under their sorted keys, each nested list or dictionary a section
//! of its own, indented one level, titled by its key; a list of dictionaries shares one header
//! row. Columns are widened in proportion to fill the widest section, and when that is wider
//! than the terminal, every section of a single row turns into key/value rows. The console is
//! not a terminal, so it uses the CLI's width for one it cannot measure: 80 columns.

use serde_json::Value;

/// The width the CLI assumes when it cannot ask the terminal.
const TERMINAL_WIDTH: usize = 80;

#[derive(Debug, Default)]
struct Section {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    indent: usize,
    max_widths: Vec<usize>,
}

impl Section {
    fn widen(&mut self, cells: &[String]) {
        for (i, c) in cells.iter().enumerate() {
            let n = c.chars().count();
            match self.max_widths.get_mut(i) {
                Some(w) => *w = (*w).max(n),
                None => self.max_widths.push(n),
            }
        }
    }

    fn add_header(&mut self, headers: Vec<String>) {
        self.widen(&headers);
        self.headers = headers;
    }

    fn add_row(&mut self, row: Vec<String>) {
        self.widen(&row);
        self.rows.push(row);
    }

    /// The columns' widths with `padding`, scaled to add up to `max_width` (rounding half to
    /// even, as Python's `round` does, then taking or giving one column at a time).
    fn column_widths(&self, padding: usize, max_width: Option<usize>) -> Vec<usize> {
        let unscaled: Vec<usize> = self.max_widths.iter().map(|w| w + padding).collect();
        let Some(max_width) = max_width else {
            return unscaled;
        };
        let total: usize = unscaled.iter().sum();
        if unscaled.is_empty() || total == 0 {
            return unscaled;
        }
        let scale = max_width as f64 / total as f64;
        let mut scaled: Vec<i64> = unscaled
            .iter()
            .map(|&w| (scale * w as f64).round_ties_even() as i64)
            .collect();
        let mut off_by: i64 = scaled.iter().sum::<i64>() - max_width as i64;
        while off_by != 0 {
            let order: Vec<usize> = if off_by < 0 {
                (0..scaled.len()).rev().collect()
            } else {
                (0..scaled.len()).collect()
            };
            for i in order {
                if off_by > 0 {
                    scaled[i] -= 1;
                    off_by -= 1;
                } else {
                    scaled[i] += 1;
                    off_by += 1;
                }
                if off_by == 0 {
                    break;
                }
            }
        }
        scaled.into_iter().map(|w| w.max(0) as usize).collect()
    }

    fn total_width(&self) -> usize {
        let padding = 4;
        let total: usize = self
            .column_widths(0, None)
            .iter()
            .map(|w| w + padding)
            .sum::<usize>()
            + 2
            + 2 * self.indent;
        total.max(self.title.chars().count() + 2 + 2 * self.indent)
    }
}

/// Python's `str()` of a decoded JSON value, as the CLI writes a cell or a text field.
pub(super) fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Neither a list nor a dictionary.
pub(super) fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// Python's truth of the value: empty and zero values are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
}

impl Builder {
    fn section(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.sections.push(Section::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    fn new_section(&mut self, title: Option<&str>, indent: usize) {
        self.sections.push(Section {
            title: title.unwrap_or_default().to_string(),
            indent,
            ..Section::default()
        });
    }

    fn build(&mut self, title: Option<&str>, current: &Value, indent: usize) -> bool {
        if !truthy(current) {
            return false;
        }
        if title.is_some() {
            self.new_section(title, indent);
        }
        match current {
            Value::Array(items) if items.first().is_some_and(Value::is_object) => {
                self.add_list(items, indent, title);
            }
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Array(inner) if inner.iter().all(is_scalar) => {
                            self.section().add_row(inner.iter().map(scalar).collect());
                        }
                        v if is_scalar(v) => self.section().add_row(vec![scalar(v)]),
                        other => {
                            self.build(None, other, 0);
                        }
                    }
                }
            }
            Value::Object(_) => self.add_dict(current, indent),
            _ => {}
        }
        true
    }

    /// A dictionary's scalars (sorted keys) and its other keys (sorted).
    fn keys(v: &Value) -> (Vec<String>, Vec<String>) {
        let mut headers = Vec::new();
        let mut more = Vec::new();
        if let Value::Object(map) = v {
            for (k, x) in map {
                if is_scalar(x) {
                    headers.push(k.clone());
                } else {
                    more.push(k.clone());
                }
            }
        }
        headers.sort();
        more.sort();
        (headers, more)
    }

    fn add_dict(&mut self, current: &Value, indent: usize) {
        let (headers, more) = Self::keys(current);
        if headers.len() == 1 {
            let value = scalar(&current[headers[0].as_str()]);
            self.section().add_row(vec![headers[0].clone(), value]);
        } else if !headers.is_empty() {
            let row = headers
                .iter()
                .map(|h| scalar(&current[h.as_str()]))
                .collect();
            self.section().add_header(headers);
            self.section().add_row(row);
        }
        for key in more {
            self.build(Some(&key), &current[key.as_str()], indent + 1);
        }
    }

    fn add_list(&mut self, items: &[Value], indent: usize, title: Option<&str>) {
        let mut headers: Vec<String> = Vec::new();
        let mut more: Vec<String> = Vec::new();
        for item in items {
            let (h, m) = Self::keys(item);
            headers.extend(h);
            more.extend(m);
        }
        headers.sort();
        headers.dedup();
        more.sort();
        more.dedup();
        self.section().add_header(headers.clone());
        let mut first = true;
        for item in items {
            if !first && !more.is_empty() {
                self.new_section(title, indent);
                self.section().add_header(headers.clone());
            }
            first = false;
            let row = headers
                .iter()
                .map(|h| item.get(h.as_str()).map_or_else(String::new, scalar))
                .collect();
            self.section().add_row(row);
            for key in &more {
                if let Some(v) = item.get(key.as_str()) {
                    self.build(Some(key), v, indent + 1);
                }
            }
        }
    }
}

fn center(text: &str, length: usize, left: &str, right: &str) -> String {
    let n = text.chars().count() as i64;
    let start = (length as i64 / 2 - n / 2 - 1).max(0);
    let so_far = left.chars().count() as i64 + start + n;
    let right_spaces = (length as i64 - right.chars().count() as i64 - so_far).max(0);
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(start as usize),
        " ".repeat(right_spaces as usize)
    )
}

fn align_left(text: &str, length: usize, left: &str, right: &str) -> String {
    let n = text.chars().count();
    let needed = n + 2 + left.chars().count() + right.chars().count();
    let padding = if length >= needed { 2 } else { 0 };
    let so_far = left.chars().count() + padding + n;
    let rest = length.saturating_sub(so_far + right.chars().count());
    format!(
        "{left}{}{text}{}{right}",
        " ".repeat(padding),
        " ".repeat(rest)
    )
}

fn line_break(widths: &[usize]) -> String {
    let mut s = String::new();
    for (i, &w) in widths.iter().enumerate() {
        if i == 0 {
            s.push_str(&format!("+{}+", "-".repeat(w.saturating_sub(2))));
        } else {
            s.push_str(&format!("{}+", "-".repeat(w.saturating_sub(1))));
        }
    }
    s
}

/// The response as the CLI's table, titled by the operation (`DescribeServices`); an empty
/// response prints nothing.
pub fn render(title: &str, v: &Value) -> String {
    let mut b = Builder::default();
    if !b.build(Some(title), v, 0) {
        return String::new();
    }
    let mut sections = b.sections;
    let widest = |s: &[Section]| s.iter().map(Section::total_width).max().unwrap_or(0);
    let mut max_width = widest(&sections);
    if max_width > TERMINAL_WIDTH {
        // Sections of one row become key/value rows.
        for s in sections.iter_mut() {
            if s.rows.len() == 1 && !s.headers.is_empty() {
                let mut vertical = Section {
                    title: std::mem::take(&mut s.title),
                    indent: s.indent,
                    ..Section::default()
                };
                for (h, e) in s.headers.iter().zip(&s.rows[0]) {
                    vertical.add_row(vec![h.clone(), e.clone()]);
                }
                *s = vertical;
            }
        }
        max_width = widest(&sections);
    }
    let mut out = format!("{}\n", "-".repeat(max_width));
    for s in &sections {
        let edge = "|".repeat(s.indent);
        let mut write = |line: String| {
            out.push_str(&edge);
            out.push_str(&line);
            out.push_str(&edge);
            out.push('\n');
        };
        let width = max_width.saturating_sub(s.indent * 2);
        if !s.title.is_empty() {
            write(center(&s.title, width, "|", "|"));
            if s.headers.is_empty() && s.rows.is_empty() {
                write(format!("+{}+", "-".repeat(width.saturating_sub(2))));
            }
        }
        if !s.headers.is_empty() {
            let widths = s.column_widths(4, Some(width));
            write(line_break(&widths));
            let mut line = String::new();
            for (i, (w, h)) in widths.iter().zip(&s.headers).enumerate() {
                line.push_str(&center(h, *w, if i == 0 { "|" } else { "" }, "|"));
            }
            write(line);
        }
        if !s.rows.is_empty() {
            let widths = s.column_widths(4, Some(width));
            if widths.is_empty() {
                continue;
            }
            write(line_break(&widths));
            for row in &s.rows {
                let mut line = String::new();
                for (i, (w, e)) in widths.iter().zip(row).enumerate() {
                    line.push_str(&align_left(e, *w, if i == 0 { "|" } else { "" }, "|"));
                }
                write(line);
            }
            write(line_break(&widths));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The shape of the AWS CLI user guide's table example (a list of dictionaries under a
    // key): a title, the shared header row, one row per element.
    #[test]
    fn a_list_of_dictionaries_is_one_boxed_section() {
        let v = json!({"services": [
            {"serviceName": "web", "desiredCount": 4},
            {"serviceName": "api", "desiredCount": 2}
        ]});
        let out = render("DescribeServices", &v);
        let lines: Vec<&str> = out.lines().collect();
        let width = lines[0].len();
        assert!(lines[0].chars().all(|c| c == '-'), "{out}");
        assert!(
            lines.iter().all(|l| l.chars().count() == width),
            "every line is as wide:\n{out}"
        );
        assert!(
            lines[1].starts_with("|  ") && lines[1].contains("DescribeServices"),
            "{out}"
        );
        assert!(
            lines[2].starts_with("+--"),
            "a title alone is closed: {out}"
        );
        assert!(
            lines[3].starts_with("||") && lines[3].contains(" services "),
            "{out}"
        );
        assert!(
            lines[5].contains(" desiredCount ") && lines[5].contains(" serviceName "),
            "{out}"
        );
        assert!(
            lines[7].starts_with("||  4 ") && lines[7].contains("|  web "),
            "{out}"
        );
        assert!(
            lines[8].starts_with("||  2 ") && lines[8].contains("|  api "),
            "{out}"
        );
    }

    #[test]
    fn a_single_value_and_a_wide_row_turn_into_key_value_rows() {
        let out = render("ListTasks", &json!({"taskArns": ["arn:a", "arn:b"]}));
        assert!(out.contains("|  arn:a  |"), "{out}");
        let wide = json!({"a": "x".repeat(50), "b": "y".repeat(50)});
        let out = render("Get", &wide);
        // Wider than 80 columns: one key/value row per field.
        assert!(out.lines().any(|l| l.starts_with("|  a|  xxx")), "{out}");
        assert!(out.lines().any(|l| l.starts_with("|  b|  yyy")), "{out}");
        assert_eq!(render("Get", &json!([])), "");
    }

    #[test]
    fn widths_scale_like_pythons_round() {
        let mut s = Section::default();
        s.add_row(vec!["ab".into(), "abc".into()]);
        // 6 + 7 = 13 padded; scaled to 20: 9.23 → 9, 10.77 → 11.
        assert_eq!(s.column_widths(4, Some(20)), [9, 11]);
        // Halves round to even: 2.5 → 2, then the sum is made up one column at a time.
        let mut t = Section::default();
        t.add_row(vec!["a".into(), "a".into()]);
        assert_eq!(t.column_widths(0, Some(5)), [2, 3]);
    }
}
