// Package themes turns a theme name, a colour depth and the terminal's
// background into ready-made styles: lipgloss styles for the UI's chrome,
// pre-rendered colour maps for the data (activations, magnitudes) and one
// colour and marker per model series. It never draws a panel and never looks
// at the terminal or the environment: the caller passes the Depth (from Bubble
// Tea's colour profile, see DepthOf) and whether the background is dark.
//
// Themes: "dark" (the default), "light", "high-contrast" (projectors: every
// text colour and every map level at least 7:1 against what it sits on),
// "colorblind" (a blue–orange diverging map and a cividis-like sequential map)
// and "mono" (no colour at all). "auto" or "" picks dark or light from the
// terminal's background. Whatever the theme, Depth Mono gives the mono
// encodings, which is what NO_COLOR and TERM=dumb should lead to.
//
// Invariants the rest of rnnscope relies on:
//   - A *Styles is built once by New and never mutated afterwards, so it is
//     shared without locks; rebuild it only when the profile, the background
//     or the theme changes. There is no package-level mutable state.
//   - Meaning never rides on colour alone. In mono, sign and magnitude are
//     carried by glyph ramps and text attributes (see Map), series by marker
//     glyphs, the pinned unit by reverse video plus PinGlyph, focus by the
//     border's weight.
//   - Colours are converted to the Depth at New (colorprofile's own
//     conversion, the one the renderer would apply), so the contrast of a
//     level's text is checked against the colour the terminal will really
//     show, and the renderer's own downsampling changes nothing.
//   - At every depth the two signs of the diverging map share no colour, and
//     each sign's colours move monotonically away from the background as |v|
//     grows (CIE L*); at 16 colours each sign keeps three steps.
//   - Drawing a map cell is a table lookup and an append to a reused
//     strings.Builder; a Pen writes an SGR sequence only when the look
//     changes from the previous cell.
package themes
