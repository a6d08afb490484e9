//! Pictures to an animation file, in pure Rust: an animated GIF (`gif`, one palette for the
//! whole recording from `color_quant`'s NeuQuant) or an APNG (`png`). Consecutive equal
//! frames are merged into one shown longer, and each frame after the first stores only the
//! rectangle that changed, so a recording of a mostly still window stays small.

use std::io::Write;

/// One picture: `rgb` holds `width × height` pixels, three bytes each, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// A picture and how long it is shown, in milliseconds.
struct Shown<'a> {
    picture: &'a Picture,
    millis: u64,
}

/// The rectangle `(x, y, width, height)` where `a` and `b` differ (`None`: they are equal).
/// Both must have the same size.
pub fn changed_rect(a: &[u8], b: &[u8], width: u32, bytes_per_pixel: usize) -> Option<Rect> {
    let row = width as usize * bytes_per_pixel;
    if row == 0 || a.len() != b.len() {
        return None;
    }
    let mut rect: Option<(usize, usize, usize, usize)> = None;
    for (y, (ra, rb)) in a.chunks(row).zip(b.chunks(row)).enumerate() {
        if ra == rb {
            continue;
        }
        let first = ra
            .chunks(bytes_per_pixel)
            .zip(rb.chunks(bytes_per_pixel))
            .position(|(p, q)| p != q)
            .unwrap_or(0);
        let last = ra
            .chunks(bytes_per_pixel)
            .zip(rb.chunks(bytes_per_pixel))
            .rposition(|(p, q)| p != q)
            .unwrap_or(first);
        rect = Some(match rect {
            None => (first, y, last, y),
            Some((x0, y0, x1, _)) => (x0.min(first), y0, x1.max(last), y),
        });
    }
    rect.map(|(x0, y0, x1, y1)| Rect {
        x: x0 as u32,
        y: y0 as u32,
        width: (x1 - x0 + 1) as u32,
        height: (y1 - y0 + 1) as u32,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The pixels of `rect` out of a `width`-wide buffer.
fn crop(data: &[u8], width: u32, bytes_per_pixel: usize, rect: Rect) -> Vec<u8> {
    let row = width as usize * bytes_per_pixel;
    let mut out = Vec::with_capacity(rect.width as usize * rect.height as usize * bytes_per_pixel);
    for y in rect.y..rect.y + rect.height {
        let start = y as usize * row + rect.x as usize * bytes_per_pixel;
        out.extend_from_slice(&data[start..start + rect.width as usize * bytes_per_pixel]);
    }
    out
}

/// Merge runs of equal pictures, each frame lasting `frame_millis`.
fn merge(pictures: &[Picture], frame_millis: f64) -> Vec<Shown<'_>> {
    let mut shown: Vec<(usize, usize)> = Vec::new(); // (first index, count)
    for (i, p) in pictures.iter().enumerate() {
        match shown.last_mut() {
            Some((first, count)) if pictures[*first] == *p => *count += 1,
            _ => shown.push((i, 1)),
        }
    }
    // Each picture's time on screen from the rounded start of the next one, so rounding
    // does not add up over a long recording.
    shown
        .iter()
        .map(|&(first, count)| {
            let start = (first as f64 * frame_millis).round() as u64;
            let end = ((first + count) as f64 * frame_millis).round() as u64;
            Shown {
                picture: &pictures[first],
                millis: end.saturating_sub(start).max(1),
            }
        })
        .collect()
}

fn check_sizes(pictures: &[Picture]) -> Result<(u32, u32), String> {
    let first = pictures.first().ok_or("no frames to write")?;
    for p in pictures {
        if (p.width, p.height) != (first.width, first.height)
            || p.rgb.len() != p.width as usize * p.height as usize * 3
        {
            return Err(format!(
                "the frames differ in size ({}×{} and {}×{}): the window was resized while recording",
                first.width, first.height, p.width, p.height
            ));
        }
    }
    Ok((first.width, first.height))
}

/// The transparent palette entry of a GIF frame that keeps the previous frame's pixel.
const KEEP: u8 = 255;

/// Write an endlessly looping animated GIF, each picture shown `frame_millis`.
pub fn write_gif(out: impl Write, pictures: &[Picture], frame_millis: f64) -> Result<(), String> {
    let (width, height) = check_sizes(pictures)?;
    let (w16, h16) = match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => {
            return Err(format!(
                "a GIF is at most 65535×65535; got {width}×{height}"
            ));
        }
    };
    let quant = palette(pictures);
    let mut colors = quant.color_map_rgb();
    colors.resize(256 * 3, 0);
    let mut encoder = gif::Encoder::new(out, w16, h16, &colors).map_err(|e| e.to_string())?;
    encoder
        .set_repeat(gif::Repeat::Infinite)
        .map_err(|e| e.to_string())?;
    let mut previous: Option<Vec<u8>> = None;
    let mut carried_cs = 0u64;
    let mut elapsed_ms = 0u64;
    for shown in merge(pictures, frame_millis) {
        let indexed = index(&quant, shown.picture);
        // GIF delays are in hundredths of a second: round the moments, not the lengths.
        let start_cs = (elapsed_ms + 5) / 10;
        elapsed_ms += shown.millis;
        let delay_cs = (elapsed_ms + 5) / 10 - start_cs + carried_cs;
        let frame = match &previous {
            None => gif::Frame::from_indexed_pixels(w16, h16, indexed.clone(), None),
            Some(prev) => match changed_rect(prev, &indexed, width, 1) {
                // The same picture once mapped to the palette: show the last frame longer.
                None => {
                    carried_cs = delay_cs;
                    continue;
                }
                Some(rect) => {
                    let mut pixels = crop(&indexed, width, 1, rect);
                    let old = crop(prev, width, 1, rect);
                    for (p, o) in pixels.iter_mut().zip(old) {
                        if *p == o {
                            *p = KEEP;
                        }
                    }
                    let mut f = gif::Frame::from_indexed_pixels(
                        rect.width as u16,
                        rect.height as u16,
                        pixels,
                        Some(KEEP),
                    );
                    f.left = rect.x as u16;
                    f.top = rect.y as u16;
                    f
                }
            },
        };
        carried_cs = 0;
        let frame = gif::Frame {
            delay: delay_cs.min(u16::MAX as u64) as u16,
            dispose: gif::DisposalMethod::Keep,
            ..frame
        };
        encoder.write_frame(&frame).map_err(|e| e.to_string())?;
        previous = Some(indexed);
    }
    Ok(())
}

/// At most this many pixels train the palette, taken evenly from all the frames.
const PALETTE_SAMPLE: usize = 2_000_000;

/// One palette of 255 colours for the whole recording (index 255 is kept for "unchanged").
fn palette(pictures: &[Picture]) -> color_quant::NeuQuant {
    let total: usize = pictures.iter().map(|p| p.rgb.len() / 3).sum();
    let step = total.div_ceil(PALETTE_SAMPLE).max(1);
    let mut rgba = Vec::with_capacity(total / step * 4 + 4);
    let mut k = 0usize;
    for p in pictures {
        for px in p.rgb.chunks_exact(3) {
            if k.is_multiple_of(step) {
                rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
            }
            k += 1;
        }
    }
    color_quant::NeuQuant::new(10, 255, &rgba)
}

fn index(quant: &color_quant::NeuQuant, picture: &Picture) -> Vec<u8> {
    picture
        .rgb
        .chunks_exact(3)
        .map(|px| quant.index_of(&[px[0], px[1], px[2], 255]) as u8)
        .collect()
}

/// Write an endlessly looping APNG, each picture shown `frame_millis`.
pub fn write_apng(out: impl Write, pictures: &[Picture], frame_millis: f64) -> Result<(), String> {
    let (width, height) = check_sizes(pictures)?;
    let shown = merge(pictures, frame_millis);
    let mut encoder = png::Encoder::new(out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let err = |e: png::EncodingError| e.to_string();
    encoder.set_animated(shown.len() as u32, 0).map_err(err)?;
    let mut writer = encoder.write_header().map_err(err)?;
    let mut previous: Option<&Picture> = None;
    for s in &shown {
        // Delays as a fraction of a second: milliseconds over 1000, or seconds when longer.
        let (num, den) = if s.millis <= u16::MAX as u64 {
            (s.millis as u16, 1000)
        } else {
            ((s.millis / 1000).min(u16::MAX as u64) as u16, 1)
        };
        writer.set_frame_delay(num, den).map_err(err)?;
        writer.set_dispose_op(png::DisposeOp::None).map_err(err)?;
        writer.set_blend_op(png::BlendOp::Source).map_err(err)?;
        let rect = match previous {
            None => Rect {
                x: 0,
                y: 0,
                width,
                height,
            },
            // Merged runs differ from their neighbours, so something changed.
            Some(prev) => changed_rect(&prev.rgb, &s.picture.rgb, width, 3).unwrap_or(Rect {
                x: 0,
                y: 0,
                width: 1,
                height: 1,
            }),
        };
        writer.reset_frame_position().map_err(err)?;
        writer
            .set_frame_dimension(rect.width, rect.height)
            .map_err(err)?;
        writer.set_frame_position(rect.x, rect.y).map_err(err)?;
        writer
            .write_image_data(&crop(&s.picture.rgb, width, 3, rect))
            .map_err(err)?;
        previous = Some(s.picture);
    }
    writer.finish().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Picture {
        let mut rgb = Vec::new();
        for y in 0..h {
            for x in 0..w {
                rgb.extend_from_slice(&f(x, y));
            }
        }
        Picture {
            width: w,
            height: h,
            rgb,
        }
    }

    /// Three pictures: dark, the same dark, then a red square at (4..8, 2..5).
    fn three() -> Vec<Picture> {
        let dark = picture(16, 8, |_, _| [20, 20, 30]);
        let square = picture(16, 8, |x, y| {
            if (4..8).contains(&x) && (2..5).contains(&y) {
                [230, 40, 40]
            } else {
                [20, 20, 30]
            }
        });
        vec![dark.clone(), dark, square]
    }

    #[test]
    fn the_changed_rectangle_bounds_every_differing_pixel() {
        let p = three();
        assert_eq!(changed_rect(&p[0].rgb, &p[1].rgb, 16, 3), None);
        assert_eq!(
            changed_rect(&p[0].rgb, &p[2].rgb, 16, 3),
            Some(Rect {
                x: 4,
                y: 2,
                width: 4,
                height: 3
            })
        );
    }

    #[test]
    fn equal_frames_merge_into_one_shown_longer_without_drift() {
        let p = three();
        let shown = merge(&p, 333.333);
        assert_eq!(
            shown.iter().map(|s| s.millis).collect::<Vec<_>>(),
            [667, 333]
        );
    }

    #[test]
    fn a_gif_decodes_to_the_frames_with_their_delays() {
        let p = three();
        let mut bytes = Vec::new();
        write_gif(&mut bytes, &p, 500.0).expect("encodes");
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(bytes.as_slice()).expect("header");
        assert_eq!((decoder.width(), decoder.height()), (16, 8));
        let mut frames = Vec::new();
        while let Some(f) = decoder.read_next_frame().expect("frame") {
            frames.push((f.delay, f.left, f.top, f.width, f.height));
        }
        // The two dark pictures are one frame of 1 s; the square is a 4×3 patch.
        assert_eq!(frames, [(100, 0, 0, 16, 8), (50, 4, 2, 4, 3)]);
    }

    #[test]
    fn an_apng_decodes_to_the_frames_with_their_delays() {
        let p = three();
        let mut bytes = Vec::new();
        write_apng(&mut bytes, &p, 500.0).expect("encodes");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("header");
        let actl = reader.info().animation_control.expect("animated");
        assert_eq!((actl.num_frames, actl.num_plays), (2, 0));
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let mut frames = Vec::new();
        for _ in 0..2 {
            reader.next_frame(&mut buf).expect("frame");
            let fc = reader.info().frame_control.expect("fcTL");
            frames.push((
                fc.delay_num,
                fc.delay_den,
                fc.x_offset,
                fc.y_offset,
                fc.width,
                fc.height,
            ));
        }
        assert_eq!(frames, [(1000, 1000, 0, 0, 16, 8), (500, 1000, 4, 2, 4, 3)]);
        // The patch holds the red square.
        assert_eq!(&buf[..3], &[230, 40, 40]);
    }

    #[test]
    fn frames_of_different_sizes_are_refused() {
        let mut p = three();
        p.push(picture(8, 8, |_, _| [0, 0, 0]));
        let err = write_gif(Vec::new(), &p, 100.0).expect_err("refused");
        assert!(err.contains("differ in size"), "{err}");
    }
}
