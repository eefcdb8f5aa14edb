/*
 * shards.cc - an index split into shards (index.h, "shards"): the layout
 * file that says so, opening the shards as one database, routing each
 * document of a writer to its shard, and what a search needs when a shard
 * is read through xapian-tcpsrv.
 *
 * A sharded index is a directory holding the file SHARDS and one
 * directory per shard:
 *
 *     # fairmatch index shards: one line per shard, in order
 *     shard-0
 *     shard-1 remote 127.0.0.1 7011
 *
 * A writer (the indexer) opens every shard's directory, whatever the
 * readers do: the node that indexes owns the shard directories, and a
 * remote line only says how readers reach it (a tcpsrv serving that
 * directory). Readers get Xapian's combined database: its docids
 * interleave the shards', its statistics are merged, and Enquire runs on
 * each remote shard with them.
 */
#include "index/handle.hh"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace fairmatch_index {

namespace {

std::string join(const std::string &dir, const std::string &name)
{
	return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool valid_name(const std::string &n)
{
	if (n.empty() || n.size() > 64 || n == "." || n == "..")
		return false;
	for (char c : n)
		if (!(isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.'))
			return false;
	return true;
}

/* The text of a layout of n shards, remote[k] "HOST:PORT" or NULL/"". */
std::string layout_text(unsigned n, const char *const *remote)
{
	std::string t = "# fairmatch index shards: one line per shard, in order\n";
	for (unsigned k = 0; k < n; k++) {
		t += "shard-" + std::to_string(k);
		const char *r = remote ? remote[k] : nullptr;
		if (r && *r) {
			const char *colon = strrchr(r, ':');
			t += " remote " + std::string(r, (size_t)(colon - r)) + " " +
			     std::string(colon + 1);
		}
		t += "\n";
	}
	return t;
}

/* FNV-1a: stable across runs and builds, so a document stays in its shard. */
uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

} /* namespace */

bool read_layout(const std::string &dir, std::vector<shard_spec> &out)
{
	out.clear();
	std::ifstream in(join(dir, layout_file));
	if (!in)
		return false;
	std::string line;
	unsigned lineno = 0;
	while (std::getline(in, line)) {
		lineno++;
		if (line.empty() || line[0] == '#')
			continue;
		std::istringstream ls(line);
		std::string name, kind, host, port, extra;
		ls >> name >> kind >> host >> port >> extra;
		shard_spec sp;
		bool ok = valid_name(name) && extra.empty();
		if (ok && !kind.empty()) {
			char *end = nullptr;
			unsigned long p = strtoul(port.c_str(), &end, 10);
			ok = kind == "remote" && !host.empty() && !port.empty() && end && !*end &&
			     p > 0 && p < 65536;
			sp.host = host;
			sp.port = (unsigned)p;
		}
		if (!ok)
			throw Xapian::DatabaseOpeningError("malformed line " + std::to_string(lineno) +
							   " in " + join(dir, layout_file));
		sp.path = join(dir, name);
		out.push_back(sp);
	}
	if (out.empty())
		throw Xapian::DatabaseOpeningError("no shard listed in " + join(dir, layout_file));
	return true;
}

index_db *open_shards(const std::vector<shard_spec> &specs, bool writable)
{
	std::unique_ptr<index_db> h(new index_db{nullptr, nullptr, false});
	std::unique_ptr<Xapian::Database> all(new Xapian::Database());

	try {
		for (const shard_spec &sp : specs) {
			if (writable) {
				index_db *part = nullptr;
				index_error e;
				int rc = index_open_writable(sp.path.c_str(), &part, &e);
				if (rc == INDEX_ELOCK)
					throw Xapian::DatabaseLockError(e.msg);
				if (rc)
					throw Xapian::DatabaseOpeningError(e.msg);
				h->parts.push_back(part);
				all->add_database(*part->db);
			} else if (!sp.host.empty()) {
				/* Timeouts in ms: an idle connection is kept; a
				 * shard that does not answer fails the search. */
				all->add_database(
					Xapian::Remote::open(sp.host, sp.port, 10000, 2000));
				h->remote = true;
			} else {
				all->add_database(Xapian::Database(sp.path));
			}
		}
	} catch (...) {
		for (index_db *part : h->parts)
			index_close(part);
		throw;
	}
	h->db = all.release();
	return h.release();
}

index_db *part_for(index_db *db, const char *id_term)
{
	return db->parts[fnv1a(id_term) % db->parts.size()];
}

void remote_values(Xapian::MSet &ms, unsigned slot, std::vector<std::string> &out)
{
	out.clear();
	out.reserve(ms.size());
	for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
		out.push_back(it.get_document().get_value((Xapian::valueno)slot));
}

} /* namespace fairmatch_index */

using fairmatch_index::layout_text;

extern "C" {

int index_set_shards(const char *dir, unsigned n, const char *const *remote, index_error *err)
{
	if (!dir || !*dir || n == 0 || n > 64) {
		if (err)
			snprintf(err->msg, sizeof err->msg, "set shards: a directory and 1 to 64 shards");
		return INDEX_ERR;
	}
	for (unsigned k = 0; remote && k < n; k++) {
		const char *r = remote[k], *colon = r ? strrchr(r, ':') : nullptr;
		if (r && *r && (!colon || colon == r || !colon[1] || strchr(r, ' ') ||
				strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
				atoi(colon + 1) <= 0 || atoi(colon + 1) > 65535)) {
			if (err)
				snprintf(err->msg, sizeof err->msg,
					 "set shards: shard %u: \"%.100s\" is not HOST:PORT", k, r);
			return INDEX_ERR;
		}
	}
	try {
		std::string d(dir), file = fairmatch_index::join(d, fairmatch_index::layout_file);
		std::vector<fairmatch_index::shard_spec> have;
		struct stat st;

		if (fairmatch_index::read_layout(d, have)) {
			if (have.size() != n) {
				if (err)
					snprintf(err->msg, sizeof err->msg,
						 "the index at %.100s has %zu shards, not %u: give "
						 "--index a new directory (it is built from PostgreSQL)",
						 dir, have.size(), n);
				return INDEX_ERR;
			}
		} else if (stat(fairmatch_index::join(d, "iamglass").c_str(), &st) == 0) {
			if (err)
				snprintf(err->msg, sizeof err->msg,
					 "the index at %.100s is not sharded: give --index a new "
					 "directory (it is built from PostgreSQL)",
					 dir);
			return INDEX_ERR;
		}
		std::string text = layout_text(n, remote), tmp = file + ".tmp";
		std::ifstream cur(file);
		std::stringstream curtext;
		curtext << cur.rdbuf();
		if (cur && curtext.str() == text)
			return INDEX_OK;
		if (mkdir(dir, 0777) && errno != EEXIST) {
			if (err)
				snprintf(err->msg, sizeof err->msg, "set shards: %.100s: %s", dir,
					 strerror(errno));
			return INDEX_ERR;
		}
		FILE *f = fopen(tmp.c_str(), "w");
		bool ok = f && fwrite(text.data(), 1, text.size(), f) == text.size();
		ok = (f && fclose(f) == 0) && ok;
		if (!ok || rename(tmp.c_str(), file.c_str())) {
			if (err)
				snprintf(err->msg, sizeof err->msg, "set shards: writing %.100s: %s",
					 file.c_str(), strerror(errno));
			unlink(tmp.c_str());
			return INDEX_ERR;
		}
		return INDEX_OK;
	} catch (const Xapian::Error &e) {
		if (err)
			snprintf(err->msg, sizeof err->msg, "set shards: %s", e.get_msg().c_str());
		return INDEX_ERR;
	} catch (...) {
		if (err)
			snprintf(err->msg, sizeof err->msg, "set shards: out of memory");
		return INDEX_ENOMEM;
	}
}

int index_shard_count(index_db *db, unsigned *n, int *remote)
{
	if (!db)
		return INDEX_ERR;
	try {
		if (n)
			*n = db->parts.empty() ? (unsigned)std::max<size_t>(1, db->db->size())
					       : (unsigned)db->parts.size();
	} catch (...) {
		return INDEX_ERR;
	}
	if (remote)
		*remote = db->remote;
	return INDEX_OK;
}

int index_delete_all(index_db *db, index_error *err)
{
	if (!db || (!db->w && db->parts.empty())) {
		if (err)
			snprintf(err->msg, sizeof err->msg, "delete all documents: not a writer");
		return INDEX_ERR;
	}
	for (index_db *part : db->parts) {
		int rc = index_delete_all(part, err);
		if (rc)
			return rc;
	}
	if (!db->w)
		return INDEX_OK;
	try {
		std::vector<Xapian::docid> ids;
		for (Xapian::PostingIterator p = db->w->postlist_begin(""); p != db->w->postlist_end("");
		     ++p)
			ids.push_back(*p);
		/* Through a staged transaction like every change (index.cc). */
		if (!db->in_txn) {
			db->w->begin_transaction(true);
			db->in_txn = true;
		}
		for (Xapian::docid id : ids)
			db->w->delete_document(id);
		/* The documents written next are another set: a value file of
		 * these (valuefile.cc) is not theirs. */
		if (!db->path.empty())
			fairmatch_index::remove_value_files(db->path);
		return INDEX_OK;
	} catch (const Xapian::Error &e) {
		if (err)
			snprintf(err->msg, sizeof err->msg, "delete all documents: %s",
				 e.get_msg().c_str());
		return INDEX_ERR;
	} catch (...) {
		if (err)
			snprintf(err->msg, sizeof err->msg, "delete all documents: out of memory");
		return INDEX_ENOMEM;
	}
}

} /* extern "C" */
