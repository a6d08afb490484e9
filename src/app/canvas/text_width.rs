//! How wide a line of canvas text is, from the advance widths of the shipped DejaVu Sans
//! (`assets/fonts/DejaVuSans.ttf`), so the layout can size boxes to their words and keep every
//! text inside its box.

/// Advance widths of ASCII ' ' to '~', in ems.
const ASCII: [f32; 95] = [
    0.3179, 0.4009, 0.4600, 0.8379, 0.6362, 0.9502, 0.7798, 0.2749, 0.3901, 0.3901, 0.5000, 0.8379,
    0.3179, 0.3608, 0.3179, 0.3369, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362,
    0.6362, 0.6362, 0.3369, 0.3369, 0.8379, 0.8379, 0.8379, 0.5308, 1.0000, 0.6841, 0.6860, 0.6982,
    0.7700, 0.6318, 0.5752, 0.7749, 0.7520, 0.2949, 0.2949, 0.6558, 0.5571, 0.8628, 0.7480, 0.7871,
    0.6030, 0.7871, 0.6948, 0.6348, 0.6108, 0.7319, 0.6841, 0.9888, 0.6851, 0.6108, 0.6851, 0.3901,
    0.3369, 0.3901, 0.8379, 0.5000, 0.5000, 0.6128, 0.6348, 0.5498, 0.6348, 0.6152, 0.3521, 0.6348,
    0.6338, 0.2778, 0.2778, 0.5791, 0.2778, 0.9741, 0.6338, 0.6118, 0.6348, 0.6348, 0.4111, 0.5210,
    0.3921, 0.6338, 0.5918, 0.8179, 0.5918, 0.5918, 0.5249, 0.6362, 0.3369, 0.6362, 0.8379,
];

/// The width of `text` set at `size`, in layout units: the sum of its advances (the renderer
/// also kerns, which moves a line by a few hundredths of an em).
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(advance).sum::<f32>() * size
}

/// One character's advance in ems: the table for ASCII, the glyphs the canvas uses, and a
/// full em for anything else (wider than any DejaVu letter).
fn advance(c: char) -> f32 {
    match c {
        ' '..='~' => ASCII[c as usize - 32],
        '·' => 0.3179,
        '×' => 0.8379,
        '…' => 1.0000,
        '→' => 0.8379,
        '↑' => 0.8379,
        '↓' => 0.8379,
        '↻' => 0.8379,
        '⇣' => 0.8379,
        '■' => 0.9448,
        '▶' => 0.7690,
        '◌' => 0.8726,
        '◔' => 0.8726,
        '●' => 0.8726,
        '✓' => 0.8379,
        '✕' => 0.8379,
        '✗' => 0.8379,
        '⚖' => 0.8965,
        '⚠' => 0.8965,
        '▮' => 0.5503,
        _ => 1.0,
    }
}

/// `text` cut to `width` with an ellipsis, if it is wider.
pub fn clip(text: &str, size: f32, width: f32) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let room = width - advance('…') * size;
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += advance(c) * size;
        if used > room {
            break;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `parts` joined by `sep` into lines no wider than `width`; a part wider than a line is
/// clipped.
pub fn flow(parts: &[String], sep: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line}{sep}{part}"), size) <= width => {
                line.push_str(sep);
                line.push_str(part);
            }
            _ => lines.push(clip(part, size, width)),
        }
    }
    lines
}

/// `text` broken at spaces into lines no wider than `width`.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let words: Vec<String> = text.split(' ').map(str::to_string).collect();
    flow(&words, " ", size, width)
}

/// `text` broken into lines no wider than `width` at its phrases (parts set apart by two
/// spaces, as in "✓4 healthy  ▶0 initial"), and a phrase wider than a line at its spaces.
pub fn wrap_phrases(text: &str, size: f32, width: f32) -> Vec<String> {
    let pieces: Vec<String> = text
        .split("  ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .flat_map(|p| wrap(p, size, width))
        .collect();
    flow(&pieces, "  ", size, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up_the_advances_of_dejavu_sans() {
        // "web:1" is w e b : 1 = 0.8179 + 0.6152 + 0.6348 + 0.3369 + 0.6362 ems.
        assert!((text_width("web:1", 10.0) - 30.41).abs() < 0.01);
        assert_eq!(text_width("", 15.0), 0.0);
    }

    #[test]
    fn a_long_line_is_clipped_with_an_ellipsis_and_fits() {
        let s = clip("i-0abc123def4567890 · REGISTERING", 14.0, 120.0);
        assert!(s.ends_with('…'), "{s}");
        assert!(text_width(&s, 14.0) <= 120.0);
        assert_eq!(clip("short", 14.0, 120.0), "short");
    }

    #[test]
    fn parts_flow_into_lines_that_fit() {
        let parts: Vec<String> = ["ACTIVE", "m5.large", "cp-api", "i-0abc123def4567890"]
            .map(String::from)
            .to_vec();
        let lines = flow(&parts, " · ", 14.0, 200.0);
        assert_eq!(lines, ["ACTIVE · m5.large · cp-api", "i-0abc123def4567890"]);
        assert!(lines.iter().all(|l| text_width(l, 14.0) <= 200.0));
    }

    #[test]
    fn phrases_stay_whole_when_a_summary_wraps() {
        let s = "✓2500 healthy  ▶322 initial  ✗0 unhealthy  ⇣125 draining";
        let lines = wrap_phrases(s, 15.0, 240.0);
        assert_eq!(
            lines,
            ["✓2500 healthy  ▶322 initial", "✗0 unhealthy  ⇣125 draining"]
        );
        assert_eq!(
            wrap_phrases("target group web-tg", 17.0, 120.0),
            ["target group", "web-tg"]
        );
    }
}
