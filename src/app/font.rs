//! The font shipped with Orca, for the canvas and the panels: Bevy's built-in font is ASCII
//! only, and the canvas uses ✓ ✗ ⇣ ◌.

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, load_font);
}

pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The font canvas text uses (absent in headless tests).
#[derive(Resource, Clone)]
pub struct CanvasFont(pub Handle<Font>);

fn load_font(mut fonts: ResMut<Assets<Font>>, mut commands: Commands) {
    let handle = fonts.add(Font::from_bytes(FONT_BYTES.to_vec()));
    commands.insert_resource(CanvasFont(handle));
}
