import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each model names the tokenizer that counts its tokens (a tiktoken encoding) wherever the
 * upstream reports no usage, e.g. a stream the client cancels.
 */
export class ModelTokenizer1764040200000 implements MigrationInterface {
  name = 'ModelTokenizer1764040200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE models
        ADD COLUMN tokenizer text NOT NULL DEFAULT 'o200k_base',
        ADD CONSTRAINT models_tokenizer_check CHECK (tokenizer IN ('o200k_base', 'cl100k_base'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE models DROP CONSTRAINT models_tokenizer_check, DROP COLUMN tokenizer`,
    );
  }
}
