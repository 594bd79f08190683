//! Companies and company persons: imports (one transaction each) and reads.
//!
//! Companies are keyed by name, case-insensitively (`name_key`); their CRM id is
//! unique in its canonical form (`crm_key`: Salesforce 15- and 18-character forms of
//! one id are one id). A re-import replaces a company's CRM id and fields with the
//! file's. Persons are keyed by email; a re-import updates name and company.

use std::collections::HashMap;

use gong_timeline_domain::CrmAccountId;
use gong_timeline_store::import::ImportError;
use gong_timeline_store::{
    Company, CompanyId, CompanyRow, ImportCounts, Person, PersonRow, Result,
};
use sqlx::Transaction;

use super::dialect::Db;

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_json, to_json};

const COMPANY_COLUMNS: &str = "id, name, crm_account_id, fields";

#[derive(sqlx::FromRow)]
struct CompanyRecord {
    id: i64,
    name: String,
    crm_account_id: Option<String>,
    fields: String,
}

impl CompanyRecord {
    fn into_company(self) -> Result<Company> {
        Ok(Company {
            id: self.id,
            name: self.name,
            crm_account_id: self.crm_account_id,
            fields: read_json("companies.fields", &self.fields)?,
        })
    }
}

pub(crate) async fn import_companies(
    store: &Backend,
    rows: Vec<CompanyRow>,
) -> Result<ImportCounts> {
    let mut tx = store.write_tx("importing companies").await?;
    let mut counts = ImportCounts::default();
    for row in rows {
        let name_key = row.name.to_lowercase();
        let crm_key = row
            .crm_account_id
            .as_deref()
            .and_then(CrmAccountId::parse)
            .map(|c| c.as_str().to_string());
        if let Some(key) = &crm_key {
            check_crm_free(&mut tx, &row, key, &name_key).await?;
        }
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM companies WHERE name_key = $1")
                .bind(&name_key)
                .fetch_optional(&mut *tx)
                .await
                .ctx("importing companies")?;
        sqlx::query(
            "INSERT INTO companies (name, name_key, crm_account_id, crm_key, fields) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT(name_key) DO UPDATE SET name = excluded.name, crm_account_id = excluded.crm_account_id, \
             crm_key = excluded.crm_key, fields = excluded.fields",
        )
        .bind(&row.name)
        .bind(&name_key)
        .bind(&row.crm_account_id)
        .bind(&crm_key)
        .bind(to_json(&row.fields)?)
        .execute(&mut *tx)
        .await
        .ctx("importing companies")?;
        if existing.is_some() {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
    }
    tx.commit().await.ctx("importing companies")?;
    Ok(counts)
}

/// Refuses a CRM id that another company (by name) holds already.
async fn check_crm_free(
    tx: &mut Transaction<'static, Db>,
    row: &CompanyRow,
    crm_key: &str,
    name_key: &str,
) -> Result<()> {
    let holder: Option<String> =
        sqlx::query_scalar("SELECT name FROM companies WHERE crm_key = $1 AND name_key <> $2")
            .bind(crm_key)
            .bind(name_key)
            .fetch_optional(&mut **tx)
            .await
            .ctx("importing companies")?;
    match holder {
        None => Ok(()),
        Some(other) => {
            let value = row.crm_account_id.clone().unwrap_or_default();
            Err(ImportError::invalid(
                row.row,
                "crm_account_id",
                &value,
                format!("crm_account_id '{value}' is already the CRM id of company '{other}'; a CRM account belongs to one company"),
            )
            .into())
        }
    }
}

pub(crate) async fn import_persons(store: &Backend, rows: Vec<PersonRow>) -> Result<ImportCounts> {
    let mut tx = store.write_tx("importing persons").await?;
    let mut counts = ImportCounts::default();
    let mut companies: HashMap<String, Option<CompanyId>> = HashMap::new();
    for row in rows {
        let key = row.company.to_lowercase();
        let company_id = match companies.get(&key) {
            Some(found) => *found,
            None => {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM companies WHERE name_key = $1")
                        .bind(&key)
                        .fetch_optional(&mut *tx)
                        .await
                        .ctx("importing persons")?;
                companies.insert(key, found);
                found
            }
        };
        let Some(company_id) = company_id else {
            return Err(ImportError::unknown_company(row.row, &row.company).into());
        };
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM persons WHERE email = $1")
            .bind(&row.email)
            .fetch_optional(&mut *tx)
            .await
            .ctx("importing persons")?;
        sqlx::query(
            "INSERT INTO persons (email, name, company_id) VALUES ($1, $2, $3) \
             ON CONFLICT(email) DO UPDATE SET name = excluded.name, company_id = excluded.company_id",
        )
        .bind(&row.email)
        .bind(&row.name)
        .bind(company_id)
        .execute(&mut *tx)
        .await
        .ctx("importing persons")?;
        if existing.is_some() {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
    }
    tx.commit().await.ctx("importing persons")?;
    Ok(counts)
}

pub(crate) async fn list_companies(store: &Backend) -> Result<Vec<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies ORDER BY name_key");
    let rows: Vec<CompanyRecord> = sqlx::query_as(&sql)
        .fetch_all(&store.pool)
        .await
        .ctx("listing companies")?;
    rows.into_iter().map(CompanyRecord::into_company).collect()
}

pub(crate) async fn get_company(store: &Backend, id: CompanyId) -> Result<Option<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = $1");
    let row: Option<CompanyRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a company")?;
    row.map(CompanyRecord::into_company).transpose()
}

pub(crate) async fn company_by_name(store: &Backend, name: &str) -> Result<Option<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE name_key = $1");
    let row: Option<CompanyRecord> = sqlx::query_as(&sql)
        .bind(name.trim().to_lowercase())
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a company")?;
    row.map(CompanyRecord::into_company).transpose()
}

pub(crate) async fn list_persons(store: &Backend) -> Result<Vec<Person>> {
    let rows: Vec<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, email, name, company_id FROM persons ORDER BY email")
            .fetch_all(&store.pool)
            .await
            .ctx("listing persons")?;
    Ok(rows
        .into_iter()
        .map(|(id, email, name, company_id)| Person {
            id,
            email,
            name,
            company_id,
        })
        .collect())
}
