//! An index for `ConversationFilter.listingId` (the REST APIs' `propertyId`): a company's
//! conversations about one listing, without scanning the company's conversations.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_conversations_company_id_listing_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table("conversations")
                    .col("company_id")
                    .col("listing_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table("conversations").to_owned())
            .await
    }
}
