//! The one list of fields CHZZK repeats across its wire objects, for [`wire`](super::wire) and
//! [`open_wire`](super::open_wire).
//!
//! The web list, the live-status poll and the Open API list all describe a live with the same
//! fields, and every channel object carries the same id, name and image. `#[serde(flatten)]`
//! would share them as a struct, but it buffers every key of the object first: an ignored field
//! holding a lone surrogate (skipped today without decoding) would then fail the whole item, and
//! the lenient number helpers would see serde's buffer rather than the JSON. So the fields are
//! shared as tokens instead: [`chzzk_wire_struct!`] writes them into the struct where `live_fields,`
//! or `channel_fields,` stands, and the struct decodes exactly as if they were spelled out.

/// A `Deserialize` struct (camelCase, every field optional) whose body may name `live_fields,`
/// and `channel_fields,` among its own fields.
macro_rules! chzzk_wire_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        chzzk_wire_struct!(@munch [$(#[$meta])*] $name [] $($body)*);
    };
    (@munch $meta:tt $name:ident [$($done:tt)*]) => {
        chzzk_wire_struct!(@emit $meta $name [$($done)*]);
    };
    (@munch $meta:tt $name:ident [$($done:tt)*] live_fields, $($rest:tt)*) => {
        chzzk_wire_struct!(@munch $meta $name [$($done)*
            #[serde(default, deserialize_with = "crate::lenient::de_opt_string")]
            pub live_id: Option<String>,
            #[serde(default)]
            pub live_title: Option<String>,
            #[serde(default, deserialize_with = "crate::lenient::de_opt_u64")]
            pub concurrent_user_count: Option<u64>,
            #[serde(default)]
            pub open_date: Option<String>,
            #[serde(default, deserialize_with = "crate::lenient::de_opt_bool")]
            pub adult: Option<bool>,
            #[serde(default)]
            pub tags: Option<Vec<String>>,
            #[serde(default)]
            pub live_category: Option<String>,
            #[serde(default)]
            pub live_category_value: Option<String>,
        ] $($rest)*);
    };
    (@munch $meta:tt $name:ident [$($done:tt)*] channel_fields, $($rest:tt)*) => {
        chzzk_wire_struct!(@munch $meta $name [$($done)*
            #[serde(default)]
            pub channel_id: Option<String>,
            #[serde(default)]
            pub channel_name: Option<String>,
            #[serde(default)]
            pub channel_image_url: Option<String>,
        ] $($rest)*);
    };
    (@munch $meta:tt $name:ident [$($done:tt)*]
        $(#[$fmeta:meta])* pub $field:ident : $ty:ty, $($rest:tt)*) => {
        chzzk_wire_struct!(@munch $meta $name [$($done)* $(#[$fmeta])* pub $field: $ty,] $($rest)*);
    };
    (@emit [$($meta:tt)*] $name:ident [$($done:tt)*]) => {
        $($meta)*
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($done)* }
    };
}

pub(super) use chzzk_wire_struct;
