//! The common triage request read straight into typed fields, without
//! building a `serde_json::Value` first: a single patient, nested
//! (`patient_data`) or flat, with the default endpoint.
//!
//! It only accepts. Anything it does not take (invalid JSON, a null, an
//! unknown, repeated or mistyped field, a broken rule, routing fields, a
//! batch) returns `None`, and [`crate::request::triage::read_triage_request`]
//! reads the body again and reports every problem. For every body accepted
//! here, that reader gives the same model input: the rules are the same
//! functions, and the `build_triage_bytes` and `build_triage_structured` fuzz
//! targets and the tests below compare both.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::request::fields::{trimmed_text, TextRule};
use crate::limits::MAX_SAGEMAKER_BODY_BYTES;
use crate::request::triage::{
    whole_if_integral, TriageModelInput, AGE_RANGE, GENDERS, HISTORY, SYMPTOMS,
};

/// The request as sent; every field optional here is refused when null.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request<'a> {
    #[serde(borrow, deserialize_with = "symptoms")]
    symptoms: Vec<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "present")]
    patient_data: Option<Object<Patient<'a>>>,
    #[serde(default, deserialize_with = "present")]
    age: Option<f64>,
    #[serde(borrow, default, deserialize_with = "present")]
    gender: Option<BorrowedText<'a>>,
    #[serde(borrow, default, deserialize_with = "history")]
    medical_history: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default, deserialize_with = "history")]
    current_medications: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Patient<'a> {
    #[serde(default, deserialize_with = "present")]
    age: Option<f64>,
    #[serde(borrow, default, deserialize_with = "present")]
    gender: Option<BorrowedText<'a>>,
    #[serde(borrow, default, deserialize_with = "history")]
    medical_history: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default, deserialize_with = "history")]
    current_medications: Option<Vec<Cow<'a, str>>>,
}

/// The model input of a plain, valid triage request, or `None`.
pub fn read_plain_triage<'a>(body: &'a [u8]) -> Option<TriageModelInput<'a>> {
    if body.len() > MAX_SAGEMAKER_BODY_BYTES {
        return None;
    }
    let Object(request): Object<Request<'a>> = serde_json::from_slice(body).ok()?;
    let patient = match request.patient_data {
        // Patient fields beside patient_data conflict; the full reader says so.
        Some(_)
            if request.age.is_some()
                || request.gender.is_some()
                || request.medical_history.is_some()
                || request.current_medications.is_some() =>
        {
            return None
        }
        Some(Object(patient)) => patient,
        None => Patient {
            age: request.age,
            gender: request.gender,
            medical_history: request.medical_history,
            current_medications: request.current_medications,
        },
    };
    let age = patient
        .age
        .filter(|age| (AGE_RANGE.0..=AGE_RANGE.1).contains(age))?;
    let gender = patient.gender?;
    let gender = GENDERS.iter().copied().find(|known| *known == gender.0)?;
    let history =
        |list: Option<Vec<Cow<'a, str>>>| texts(list.unwrap_or_default(), HISTORY.0, HISTORY.2);
    Some(TriageModelInput {
        symptoms: texts(request.symptoms, SYMPTOMS.0, SYMPTOMS.2)?,
        age: whole_if_integral(age),
        gender,
        medical_history: history(patient.medical_history)?,
        current_medications: history(patient.current_medications)?,
    })
}

/// Every text checked by the full reader's rule and trimmed (still borrowed
/// from the body when it had no escapes), or `None`.
fn texts(items: Vec<Cow<'_, str>>, min_items: usize, rule: TextRule) -> Option<Vec<Cow<'_, str>>> {
    if items.len() < min_items {
        return None;
    }
    items
        .into_iter()
        .map(|item| match item {
            Cow::Borrowed(text) => trimmed_text(text, rule).ok().map(Cow::Borrowed),
            Cow::Owned(text) => trimmed_text(&text, rule)
                .ok()
                .map(|trimmed| Cow::Owned(trimmed.to_owned())),
        })
        .collect()
}

/// A field that was sent: null is refused rather than read as absent.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

fn symptoms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Cow<'de, str>>, D::Error> {
    deserializer.deserialize_seq(BoundedTexts::<'de> {
        max_items: SYMPTOMS.1,
        lifetime: PhantomData,
    })
}

fn history<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Cow<'de, str>>>, D::Error> {
    deserializer
        .deserialize_seq(BoundedTexts::<'de> {
            max_items: HISTORY.1,
            lifetime: PhantomData,
        })
        .map(Some)
}

/// `T` read from a JSON object only: serde's derived structs also take an
/// array of their fields in order, which the full reader refuses.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectOnly<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectOnly(PhantomData))
            .map(Object)
    }
}

/// A list of strings that stops reading past `max_items`, so a huge list
/// never grows memory before it is refused.
struct BoundedTexts<'de> {
    max_items: usize,
    lifetime: PhantomData<&'de ()>,
}

impl<'de> Visitor<'de> for BoundedTexts<'de> {
    type Value = Vec<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at most {} strings", self.max_items)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(self.max_items.min(8));
        while let Some(item) = seq.next_element::<BorrowedText<'de>>()? {
            if items.len() == self.max_items {
                return Err(de::Error::custom("too many items"));
            }
            items.push(item.0);
        }
        Ok(items)
    }
}

/// A string, borrowed from the body when it has no escapes.
struct BorrowedText<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for BorrowedText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        deserializer.deserialize_str(Text).map(BorrowedText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{GatewayConfig, GatewaySettings};
    use crate::request::json_body::parse_json_body;
    use crate::request::triage::read_triage_request;

    fn config() -> GatewayConfig {
        let settings = GatewaySettings::from_json(serde_json::json!({"region": "us-east-1"}))
            .unwrap_or_else(|e| panic!("{e}"));
        GatewayConfig::new(settings).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The full reader's model input, when it accepts the body with the default routing.
    fn full_reader(body: &str) -> Option<TriageModelInput<'static>> {
        let value = parse_json_body(body.as_bytes()).ok()?;
        let (input, routing) = read_triage_request(&value, &config()).ok()?;
        (routing.variant.is_none() && routing.endpoint == "medical-triage-endpoint")
            .then_some(input)
    }

    #[test]
    fn plain_requests_read_as_the_full_reader_reads_them() {
        let long = "x".repeat(100);
        let bodies = [
            r#"{"symptoms":["fever","cough"],"patient_data":{"age":35,"gender":"female"}}"#,
            r#"{"symptoms":["fever"],"age":35.0,"gender":"male","medical_history":[]}"#,
            r#" { "symptoms" : [ "  chest pain  " ] , "age" : 0 , "gender" : "other" } "#,
            r#"{"symptoms":["fi\u00e8vre \"aigu\"","発熱","🤒"],"age":130,"gender":"unknown"}"#,
            r#"{"patient_data":{"current_medications":["warfarin"],"gender":"male","age":44.5,"medical_history":["asthma"]},"symptoms":["a"]}"#,
            &format!(r#"{{"symptoms":["{long}"],"age":1e1,"gender":"male"}}"#),
            &format!(
                r#"{{"symptoms":[{}],"age":-0,"gender":"male","medical_history":[{}]}}"#,
                ["\"s\""; 20].join(","),
                ["\"h\""; 30].join(",")
            ),
        ];
        for body in bodies {
            let fast = read_plain_triage(body.as_bytes());
            assert!(fast.is_some(), "{body}");
            assert_eq!(fast, full_reader(body), "{body}");
        }
    }

    #[test]
    fn everything_else_is_left_to_the_full_reader() {
        let long = "x".repeat(101);
        let bodies = [
            "",
            "   ",
            "[]",
            r#"{"symptoms":["fever"],"age":35,"gender":"female"} x"#,
            r#"{"symptoms":null,"age":35,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"age":null,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"age":35,"gender":"female","medical_history":null}"#,
            r#"{"symptoms":["fever"],"patient_data":null,"age":35,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"patient_data":{"age":35,"gender":"female"},"age":35}"#,
            r#"{"symptoms":["fever"],"patient_data":{"age":35,"gender":"female"},"age":null}"#,
            r#"{"symptoms":["fever"],"age":35,"gender":"female","endpoint":"medical-triage-endpoint"}"#,
            r#"{"symptoms":["fever"],"age":35,"gender":"female","variant":"a"}"#,
            r#"{"symptoms":["fever"],"age":35,"gender":"female","medical_histroy":[]}"#,
            r#"{"symptoms":["fever"],"age":35,"age":36,"gender":"female"}"#,
            r#"{"patients":[{"symptoms":["fever"],"age":35,"gender":"female"}]}"#,
            r#"{"symptoms":[],"age":35,"gender":"female"}"#,
            r#"{"symptoms":[" "],"age":35,"gender":"female"}"#,
            r#"{"symptoms":["a\u0007b"],"age":35,"gender":"female"}"#,
            r#"{"symptoms":["a\u202eb"],"age":35,"gender":"female"}"#,
            &format!(r#"{{"symptoms":["{long}"],"age":35,"gender":"female"}}"#),
            &format!(
                r#"{{"symptoms":[{}],"age":35,"gender":"female"}}"#,
                ["\"s\""; 21].join(",")
            ),
            &format!(
                r#"{{"symptoms":["s"],"age":35,"gender":"female","current_medications":[{}]}}"#,
                ["\"m\""; 31].join(",")
            ),
            r#"{"symptoms":["fever"],"age":130.5,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"age":-1,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"age":"35","gender":"female"}"#,
            r#"{"symptoms":["fever"],"age":1e400,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"age":35,"gender":"Female"}"#,
            r#"{"symptoms":["fever"],"age":35}"#,
            r#"{"symptoms":[1],"age":35,"gender":"female"}"#,
            r#"{"symptoms":["fever"],"patient_data":[35,"female"]}"#,
            r#"[["fever"],null,35,"female"]"#,
        ];
        for body in bodies {
            assert_eq!(read_plain_triage(body.as_bytes()), None, "{body}");
        }
    }
}
