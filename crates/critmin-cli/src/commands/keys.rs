//! `critmin keys`: create and revoke API keys in the server's database.

use anyhow::{Context, Result};
use clap::Subcommand;
use critmin_store::{DEFAULT_DB_URL, Role, Store};

#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Create a key; prints the secret once on stdout (only its SHA-256 is stored).
    Create {
        /// admin (everything, including keys), analyst (imports and jobs) or viewer (reads
        /// stored items).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Free text naming the holder.
        #[arg(long, default_value = "")]
        label: String,
        /// Bind the key to this ledger organisation: it writes only that organisation's
        /// entries (`POST /api/v1/ledger/entries`) and reads the ledger with its rights.
        #[arg(long, value_name = "ORG")]
        org: Option<String>,
        /// Database: `sqlite:PATH` or `postgres://…`.
        #[arg(long, default_value = DEFAULT_DB_URL, env = "CRITMIN_DB", value_name = "URL")]
        db: String,
    },
    /// Revoke a key by its public id (printed at creation).
    Revoke {
        /// Public id of the key.
        id: String,
        /// Database: `sqlite:PATH` or `postgres://…`.
        #[arg(long, default_value = DEFAULT_DB_URL, env = "CRITMIN_DB", value_name = "URL")]
        db: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

pub(crate) fn run(cmd: &KeysCommand) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        match cmd {
            KeysCommand::Create { role, label, org, db } => {
                let store = Store::connect(db)
                    .await
                    .with_context(|| format!("opening the database {db}"))?;
                let created = match org {
                    None => store.create_key(*role, label).await,
                    Some(org) => store.create_ledger_key(*role, label, org).await,
                }
                .context("creating the key")?;
                println!("{}", created.secret);
                eprintln!(
                    "created {} key {} (shown once; send it as `Authorization: Bearer KEY`)",
                    created.key.role, created.key.id
                );
                store.close().await;
            }
            KeysCommand::Revoke { id, db } => {
                let store = Store::connect(db)
                    .await
                    .with_context(|| format!("opening the database {db}"))?;
                let revoked = store.revoke_key(id).await.context("revoking the key")?;
                store.close().await;
                anyhow::ensure!(revoked, "no live key with id {id}");
                eprintln!("revoked key {id}");
            }
        }
        Ok(())
    })
}
