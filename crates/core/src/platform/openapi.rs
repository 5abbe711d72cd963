//! `Platform` in the OpenAPI document (feature `openapi`): a string enum of the ids in
//! [`Platform::ALL`], so the document cannot list a platform the code does not have.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use super::Platform;

impl utoipa::PartialSchema for Platform {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(Platform::ALL.iter().map(|p| p.as_str())))
            .description(Some(
                "A platform, as it appears in paths, queries and bodies (`GET /api/v1/platforms` \
                 lists each with its names and colour).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Platform {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Platform")
    }
}
