//! JSON as written on the wire, and the structured values the request generators draw.

use arbitrary::{Arbitrary, Result as ArbResult, Unstructured};

use crate::*;

/// JSON as written on the wire: objects keep duplicate keys and numbers keep
/// their text, so the generators can send what serde_json would never write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number's literal text (may be `1e400`, which is not a finite number).
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Out>),
    /// An object; keys may repeat.
    Obj(Vec<(String, Out)>),
}

impl Out {
    /// The JSON text.
    pub fn to_json(&self) -> String {
        let mut text = String::new();
        self.write(&mut text);
        text
    }

    fn write(&self, out: &mut String) {
        match self {
            Out::Null => out.push_str("null"),
            Out::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Out::Num(n) => out.push_str(n),
            Out::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            Out::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Out::Obj(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Strings that carry the marker in shapes each rule refuses differently.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum MarkerShape {
    /// `PHIMARKER`.
    Plain,
    /// Surrounded by spaces and tabs.
    Padded,
    /// Repeated past every length limit.
    TooLong,
    /// With a line break.
    NewLine,
    /// With a right-to-left override.
    Bidi,
    /// With a NUL.
    Nul,
    /// In an invalid endpoint name.
    InName,
    /// As an S3 bucket.
    S3Bucket,
    /// In an S3 key with a control character.
    S3Key,
    /// In an http URL.
    HttpUrl,
    /// As a data URL's media type.
    DataMime,
    /// As a data URL's payload.
    DataPayload,
    /// As bare base64 that decodes to no image.
    Base64,
    /// In a `file:` URL.
    FileScheme,
    /// With non-ASCII text.
    Unicode,
    /// With quotes and a backslash.
    Quoted,
    /// With an uppercase allow-list near-miss.
    Upper,
}

impl MarkerShape {
    /// The string.
    pub fn text(self) -> String {
        match self {
            MarkerShape::Plain => MARKER.to_owned(),
            MarkerShape::Padded => format!(" \t {MARKER} \t "),
            MarkerShape::TooLong => MARKER.repeat(40),
            MarkerShape::NewLine => format!("{MARKER}\n{MARKER}"),
            MarkerShape::Bidi => format!("{MARKER}\u{202E}"),
            MarkerShape::Nul => format!("\0{MARKER}"),
            MarkerShape::InName => format!("medical-{MARKER}_x"),
            MarkerShape::S3Bucket => format!("s3://{MARKER}/x.jpg"),
            MarkerShape::S3Key => format!("s3://healthnav-images/{MARKER}\u{7}"),
            MarkerShape::HttpUrl => format!("http://{MARKER}.example.com/x"),
            MarkerShape::DataMime => format!("data:image/{MARKER};base64,iVBORw0KGgo="),
            MarkerShape::DataPayload => format!("data:image/png;base64,{MARKER}"),
            MarkerShape::Base64 => format!("{MARKER}PHI"),
            MarkerShape::FileScheme => format!("file:{MARKER}"),
            MarkerShape::Unicode => format!("{MARKER}-発熱-🤒"),
            MarkerShape::Quoted => format!("\"{MARKER}\"\\"),
            MarkerShape::Upper => format!("Medical-{MARKER}"),
        }
    }
}

/// A string value: one of the field's valid values, a marker shape, or anything.
/// Weighted towards valid picks (an exhausted input gives `Pick(0)`), so
/// whole requests of valid parts are common.
#[derive(Debug, Clone)]
pub enum Text {
    /// `picks[n % picks.len()]`: known to be valid.
    Pick(u8),
    /// A marker shape.
    Marker(MarkerShape),
    /// Any string.
    Raw(String),
}

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=179 => Text::Pick(u.arbitrary()?),
            180..=219 => Text::Marker(u.arbitrary()?),
            _ => Text::Raw(u.arbitrary()?),
        })
    }
}

impl Text {
    /// The string, and whether it is one of the known-valid picks.
    pub fn render(&self, picks: &[&str]) -> (String, bool) {
        match self {
            Text::Pick(n) if !picks.is_empty() => {
                (picks[usize::from(*n) % picks.len()].to_owned(), true)
            }
            Text::Pick(n) => (format!("pick-{n}"), false),
            Text::Marker(shape) => (shape.text(), false),
            Text::Raw(text) => (text.clone(), false),
        }
    }
}

/// A number value, weighted towards in-range picks like [`Text`].
#[derive(Debug, Clone)]
pub enum Num {
    /// A value inside the field's range (one decimal).
    Pick(u8),
    /// Any integer.
    Int(i64),
    /// Any float (non-finite ones are written as `1e999`).
    Float(f64),
    /// `1e400`, which no JSON parser may turn into infinity silently.
    Huge,
    /// A number written as a string.
    AsString(Text),
}

impl<'a> Arbitrary<'a> for Num {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=159 => Num::Pick(u.arbitrary()?),
            160..=189 => Num::Int(u.arbitrary()?),
            190..=219 => Num::Float(u.arbitrary()?),
            220..=229 => Num::Huge,
            _ => Num::AsString(u.arbitrary()?),
        })
    }
}

impl Num {
    /// The JSON value, and the number the crate must read when it is in `min..=max`.
    pub fn render(&self, min: f64, max: f64) -> (Out, Option<f64>) {
        let text = match self {
            Num::Pick(n) => {
                let value = min + (max - min) * f64::from(*n) / 255.0;
                let value = ((value * 10.0).round() / 10.0).clamp(min, max);
                serde_json::to_string(&value).unwrap_or_default()
            }
            Num::Int(i) => i.to_string(),
            Num::Float(f) if f.is_finite() => serde_json::to_string(f).unwrap_or_default(),
            Num::Float(_) => "1e999".to_owned(),
            Num::Huge => "1e400".to_owned(),
            Num::AsString(text) => return (Out::Str(text.render(&[]).0), None),
        };
        // The value the crate sees is serde_json's reading of the text.
        let value = serde_json::from_str::<f64>(&text)
            .ok()
            .filter(|v| v.is_finite() && (min..=max).contains(v));
        (Out::Num(text), value)
    }
}

/// Any JSON value, nesting bounded so generation stays cheap.
#[derive(Debug, Clone)]
pub enum Json {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(Num),
    /// A string.
    Str(Text),
    /// An array.
    Arr(Vec<Json>),
    /// An object (keys may repeat).
    Obj(Vec<(Text, Json)>),
}

impl<'a> Arbitrary<'a> for Json {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        json_at(u, 0)
    }
}

fn json_at(u: &mut Unstructured<'_>, depth: usize) -> ArbResult<Json> {
    let kinds = if depth >= 40 { 4 } else { 6 };
    Ok(match u.choose_index(kinds)? {
        0 => Json::Null,
        1 => Json::Bool(u.arbitrary()?),
        2 => Json::Num(u.arbitrary()?),
        3 => Json::Str(u.arbitrary()?),
        kind => {
            let most = if depth < 4 { 4 } else { 1 };
            let len = u.int_in_range(0..=most)?;
            if kind == 4 {
                Json::Arr(
                    (0..len)
                        .map(|_| json_at(u, depth + 1))
                        .collect::<ArbResult<_>>()?,
                )
            } else {
                Json::Obj(
                    (0..len)
                        .map(|_| Ok((u.arbitrary()?, json_at(u, depth + 1)?)))
                        .collect::<ArbResult<_>>()?,
                )
            }
        }
    })
}

/// Keys the generators draw from, so extra entries hit known, misspelt and duplicate fields.
pub const KEY_PICKS: [&str; 24] = [
    "symptoms",
    "patient_data",
    "age",
    "gender",
    "medical_history",
    "current_medications",
    "endpoint",
    "variant",
    "image_data",
    "image_type",
    "analysis_type",
    "heart_rate_bpm",
    "systolic_bp_mmhg",
    "diastolic_bp_mmhg",
    "respiratory_rate_per_min",
    "temperature_c",
    "spo2_percent",
    "bmi",
    "smoking_status",
    "chronic_conditions",
    "medical_histroy",
    "PHIMARKER",
    "",
    "__proto__",
];

impl Json {
    /// The wire value.
    pub fn render(&self) -> Out {
        match self {
            Json::Null => Out::Null,
            Json::Bool(b) => Out::Bool(*b),
            Json::Num(n) => n.render(f64::MIN, f64::MAX).0,
            Json::Str(t) => Out::Str(t.render(&KEY_PICKS).0),
            Json::Arr(items) => Out::Arr(items.iter().map(Json::render).collect()),
            Json::Obj(entries) => Out::Obj(
                entries
                    .iter()
                    .map(|(k, v)| (k.render(&KEY_PICKS).0, v.render()))
                    .collect(),
            ),
        }
    }
}

/// A field of a request: absent, null, a value of the right kind, or any
/// JSON; weighted towards a value like [`Text`].
#[derive(Debug, Clone)]
pub enum Slot<T> {
    /// Not sent.
    Absent,
    /// `null` (the same as absent for optional fields).
    Null,
    /// A value of the field's kind.
    Value(T),
    /// Any JSON value.
    Any(Json),
}

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Slot<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=159 => Slot::Value(u.arbitrary()?),
            160..=199 => Slot::Absent,
            200..=227 => Slot::Null,
            _ => Slot::Any(u.arbitrary()?),
        })
    }
}

/// Builds an object while tracking whether every field is known to be valid.
#[derive(Debug, Default)]
pub struct ObjectBuilder {
    /// Entries so far.
    pub entries: Vec<(String, Out)>,
    /// Whether every field so far is known to be accepted.
    pub valid: bool,
}

impl ObjectBuilder {
    /// An empty object, valid so far.
    pub fn new() -> Self {
        Self {
            entries: Vec::new(),
            valid: true,
        }
    }

    /// Adds a slot; `render` gives the value and whether it is known valid.
    /// Returns the rendered value of a present, non-null field.
    pub fn slot<T, R>(
        &mut self,
        key: &str,
        slot: &Slot<T>,
        required: bool,
        render: impl FnOnce(&T) -> (Out, Option<R>),
    ) -> Option<R> {
        match slot {
            Slot::Absent => {
                self.valid &= !required;
                None
            }
            Slot::Null => {
                self.entries.push((key.to_owned(), Out::Null));
                self.valid &= !required;
                None
            }
            Slot::Value(value) => {
                let (out, known) = render(value);
                self.entries.push((key.to_owned(), out));
                self.valid &= known.is_some();
                known
            }
            Slot::Any(json) => {
                self.entries.push((key.to_owned(), json.render()));
                self.valid = false;
                None
            }
        }
    }

    /// Appends entries that are not part of the request type.
    pub fn extras(&mut self, extras: &[(Text, Json)]) {
        for (key, value) in extras {
            self.entries
                .push((key.render(&KEY_PICKS).0, value.render()));
            self.valid = false;
        }
    }
}

/// A text slot's renderer.
pub fn text_value<'p>(picks: &'p [&'p str]) -> impl FnOnce(&Text) -> (Out, Option<String>) + 'p {
    move |text| {
        let (s, valid) = text.render(picks);
        (Out::Str(s.clone()), valid.then_some(s))
    }
}

/// A list-of-texts slot's renderer: valid when the length is in range and every item is a pick.
pub fn text_list<'p>(
    picks: &'p [&'p str],
    min: usize,
    max: usize,
) -> impl FnOnce(&Vec<Text>) -> (Out, Option<Vec<String>>) + 'p {
    move |items| {
        let rendered: Vec<(String, bool)> = items.iter().map(|t| t.render(picks)).collect();
        let valid = (min..=max).contains(&rendered.len()) && rendered.iter().all(|(_, v)| *v);
        let out = Out::Arr(rendered.iter().map(|(s, _)| Out::Str(s.clone())).collect());
        (
            out,
            valid.then(|| rendered.into_iter().map(|(s, _)| s).collect()),
        )
    }
}

/// A number slot's renderer for `min..=max`.
pub fn number(min: f64, max: f64) -> impl FnOnce(&Num) -> (Out, Option<f64>) {
    move |num| num.render(min, max)
}
