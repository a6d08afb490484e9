//! kubectl's tables: columns padded to their widest cell plus three spaces (Go's tabwriter
//! with kubectl's settings: minwidth 0, tabwidth 8, padding 3), headers in capitals, no trailing
//! padding after the last column.

/// A table's rows without its header line (`--no-headers`).
pub fn rows_only(table: &str) -> String {
    table.lines().skip(1).map(|l| format!("{l}\n")).collect()
}

/// [`render`], without the header line when `no_headers` (`--no-headers`).
pub fn render_rows(header: &[&str], rows: &[Vec<String>], no_headers: bool) -> String {
    let text = render(header, rows);
    if no_headers { rows_only(&text) } else { text }
}

pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    render_padded(header, rows, 3)
}

/// A table with `padding` spaces between columns (`kubectl describe` pads its tables by two).
pub fn render_padded(header: &[&str], rows: &[Vec<String>], padding: usize) -> String {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            s.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i] + padding - cell.chars().count();
                s.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    for row in rows {
        line(row.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_pad_to_the_widest_cell_plus_three() {
        let t = render(
            &["NAME", "READY", "STATUS"],
            &[
                vec![
                    "web-7d4b9c8f6d-x2k9p".into(),
                    "1/1".into(),
                    "Running".into(),
                ],
                vec!["a".into(), "0/1".into(), "ImagePullBackOff".into()],
            ],
        );
        assert_eq!(
            t,
            "NAME                   READY   STATUS\nweb-7d4b9c8f6d-x2k9p   1/1     Running\na                      0/1     ImagePullBackOff\n"
        );
    }
}
