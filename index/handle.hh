/*
 * handle.hh - the database handle behind index.h's opaque index_db, shared
 * by index.cc (plain indexes) and shards.cc (an index split into shards,
 * local or served by xapian-tcpsrv). C++ only, inside index/.
 */
#ifndef FAIRMATCH_INDEX_HANDLE_HH
#define FAIRMATCH_INDEX_HANDLE_HH

#include <memory>
#include <string>
#include <vector>
#include <xapian.h>

#include "index/accumulate.h"
#include "index/index.h"

namespace fairmatch_index {
struct data_codec; /* datacodec.cc */
struct codec_free {
	void operator()(data_codec *c) const noexcept;
};
} /* namespace fairmatch_index */

struct index_db {
	Xapian::Database *db;        /* always set; the writer too (it derives from Database) */
	Xapian::WritableDatabase *w; /* same object as db for a writer, NULL for a reader */
	bool in_txn;                 /* the writer has a transaction open (= changes staged) */
	/* The evaluator's scratch arrays, made by the first search that uses it. */
	std::unique_ptr<fairmatch_index::accumulator> acc = nullptr;
	/* A sharded writer: one plain writer per shard (db is then all of
	 * them combined, for reading, and w is NULL). Empty otherwise. */
	std::vector<index_db *> parts = {};
	/* Some shard is read through xapian-tcpsrv: its posting lists must
	 * not be walked here (Xapian 1.4 ships them whole, one message per
	 * posting), so searches go through Enquire. */
	bool remote = false;
	/* The document data's dictionary, made by the first frame read or
	 * document written (datacodec.cc). */
	std::unique_ptr<fairmatch_index::data_codec, fairmatch_index::codec_free> codec = nullptr;
	/* The directory of a plain (unsharded) database; "" for shards. A
	 * reader looks there for value files (valuefile.cc). */
	std::string path = {};
};

namespace fairmatch_index {

/* The file in an index directory that splits it into shards. */
constexpr const char *layout_file = "SHARDS";

struct shard_spec {
	std::string path; /* the shard's directory (where its writer writes) */
	std::string host; /* "" when read locally; else read through tcpsrv */
	unsigned port = 0;
};

/* Reads dir's layout into out; false (out empty) when dir holds no layout,
 * i.e. is a plain index. Throws Xapian::DatabaseOpeningError when the
 * file is malformed. */
bool read_layout(const std::string &dir, std::vector<shard_spec> &out);
/* Opens the shards of a layout: every shard's directory writable (a
 * sharded writer), or each shard read-only, locally or remotely, combined
 * into one database. Throws as Xapian does. */
index_db *open_shards(const std::vector<shard_spec> &specs, bool writable);
/* The part of a sharded writer that holds id_term. */
index_db *part_for(index_db *db, const char *id_term);
/* Hits with values of a search on a database with a remote shard: the
 * documents of the MSet are fetched in one go and the value read from
 * each (a remote value stream would read every document of the shard). */
void remote_values(Xapian::MSet &ms, unsigned slot, std::vector<std::string> &out);

/* Document data as stored (datacodec.cc). decode_data gives the data as
 * written from what h read (a zstd frame decompressed, anything else as
 * it is); throws Xapian::DatabaseCorruptError for a frame it cannot
 * read. encode_data compresses doc's data with the writer's dictionary,
 * if the database holds one. codec_forget drops the loaded dictionary
 * (after a reopen or a discarded transaction). */
std::string decode_data(index_db &h, std::string &&raw);
void encode_data(index_db &w, Xapian::Document &doc);
void codec_forget(index_db &h) noexcept;
/* A dictionary trained on samples' data ("" when there is too little to
 * learn from), and one staged into writer w's metadata and used for its
 * next documents. */
std::string train_dictionary(const std::vector<const std::string *> &samples, size_t cap);
void install_dictionary(index_db &w, const std::string &dict);
bool has_dictionary(index_db &h);

/* A value slot's values by docid in a file beside the database
 * (valuefile.cc). write_value_file writes it for the committed revision of
 * the plain database at dir (throws as Xapian does, or DatabaseError when
 * the file cannot be written); remove_value_files deletes dir's. file_values
 * fills values[i] of each (docid, i) of order (sorted by docid) that h's
 * file for slot covers, when h is a plain reader whose database (uuid) the
 * file describes, and returns the others; *held is -1 when there is no
 * usable file, 1 when its values are in memory (then they need no place in
 * the value cache), else 0; held_only answers nothing unless they are. */
std::string value_file_name(unsigned slot);
void write_value_file(const std::string &dir, unsigned slot);
void remove_value_files(const std::string &dir);
std::vector<std::pair<Xapian::docid, size_t>>
file_values(index_db &h, unsigned slot, const std::string &uuid,
	    const std::vector<std::pair<Xapian::docid, size_t>> &order,
	    std::vector<std::string> &values, int *held, bool held_only);

} /* namespace fairmatch_index */

#endif
