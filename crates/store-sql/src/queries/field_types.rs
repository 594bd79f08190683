//! Field types declared in import headers (T5).

use gong_timeline_store::{FieldTypeDecl, Result};

use super::error::Ctx;
use super::Backend;
use crate::codec::read_enum;

pub(crate) async fn declare(store: &Backend, declared: Vec<FieldTypeDecl>) -> Result<()> {
    const CTX: &str = "declaring field types";
    let mut tx = store.write_tx(CTX).await?;
    for d in declared {
        sqlx::query(
            "INSERT INTO field_types (object, field_key, field, field_type) VALUES ($1, $2, $3, $4) \
             ON CONFLICT(object, field_key) DO UPDATE SET field = excluded.field, field_type = excluded.field_type",
        )
        .bind(d.object.as_str())
        .bind(d.field.to_lowercase())
        .bind(&d.field)
        .bind(d.field_type.as_str())
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    }
    tx.commit().await.ctx(CTX)
}

pub(crate) async fn list(store: &Backend) -> Result<Vec<FieldTypeDecl>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT object, field, field_type FROM field_types ORDER BY object, field_key",
    )
    .fetch_all(&store.pool)
    .await
    .ctx("listing field types")?;
    rows.into_iter()
        .map(|(object, field, ty)| {
            Ok(FieldTypeDecl {
                object: read_enum("field_types.object", &object)?,
                field,
                field_type: read_enum("field_types.field_type", &ty)?,
            })
        })
        .collect()
}
