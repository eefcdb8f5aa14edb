/*
 * valuefile.cc - a value slot's values addressed by docid in a flat file
 * beside the database (index.h, index_write_value_file; docs/index.md,
 * "A value slot addressed by docid").
 *
 * Why: the match reads the compact records of its 200 candidates from the
 * VX_SLOT_MATCH value stream. Glass keeps that stream in chunks of a few
 * values in the postlist B-tree, so each candidate (they are spread over
 * the whole docid range) cost a B-tree descent and an 8 KB block read, a
 * quarter of a match whose candidates are new to the process. Here a
 * candidate's record is one offset looked up in memory and a read of its
 * own bytes, and the candidates' records close together are read at once.
 *
 * The file is derived from one committed revision and is exact for every
 * later one, as the evaluator's kept lengths are (index/bm25.cc): a docid's
 * content never changes (index_replace gives a changed document a new
 * docid) and a docid is never given out twice, so a docid it covers has its
 * values for as long as it exists; a deleted one is never retrieved, and
 * docids past the file's are read from the stream. It names the database's
 * UUID, and is ignored by any other database (a compacted copy or a rebuilt
 * one is another database); a reader also checks a few of its records
 * against the stream before trusting it.
 *
 * Each value is stored as a zstd frame compressed with a dictionary
 * trained on the values (without the frame's 4-byte magic, put back when
 * read): the match's records are about 100 bytes and share most of their
 * shape, and the file counts in the index's size on disk (issue 20: at
 * most twice PostgreSQL's full-text index).
 *
 * Layout (little-endian): a 128-byte header (magic, slot, docids covered,
 * lengths of the parts, UUID), the dictionary (empty: values stored as
 * they are), the values one after another in docid order, then each
 * docid's stored length as a 2-byte integer. A reader keeps the lengths and
 * an offset per 32 docids in memory (about 2.1 bytes a docid).
 */
#include "index/handle.hh"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

namespace fairmatch_index {
namespace {

constexpr char magic[8] = {'F', 'M', 'V', 'A', 'L', 'S', '0', '2'};
constexpr size_t header_bytes = 128;
constexpr size_t uuid_at = 32, uuid_max = header_bytes - uuid_at;
/* The dictionary: at most this many bytes, trained on at most this many
 * values spread over the docids. */
constexpr size_t dict_cap = 110 * 1024, dict_samples = 20000;
constexpr int level = 19; /* written once per build; reading costs the same */
constexpr unsigned char frame_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
constexpr uint32_t per_base = 32; /* docids per kept offset */
/* A file whose values fit this is read into memory at load: a syscall costs
 * about 1.4 us on the machine behind docs/performance.md (a pread 2.4 us,
 * a page fault of a mapped file 15-25 us), more than decompressing a value
 * (0.6 us). It is the value cache's budget (index.cc), which a file held
 * so replaces for its slot: 64 MiB holds the match's records of about
 * 1,200,000 vacancies compressed (the cache held about 450,000). Larger
 * files are read with one pread a value or run of close values. */
constexpr uint64_t memory_bytes = 64u << 20;
/* Records whose gap is at most this are read by one pread: a syscall costs
 * about as much as copying a few KB. */
constexpr size_t span_gap = 2048, span_max = 64 * 1024;
/* How many records a reader compares with the value stream at load. */
constexpr unsigned samples = 16;

void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

uint32_t get32(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

struct closer {
	int fd;
	~closer()
	{
		if (fd >= 0)
			close(fd);
	}
};

bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = static_cast<const char *>(buf);
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		len -= (size_t)k;
	}
	return true;
}

bool read_at(int fd, void *buf, size_t len, uint64_t at)
{
	char *p = static_cast<char *>(buf);
	while (len) {
		ssize_t k = pread(fd, p, len, (off_t)at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		len -= (size_t)k;
		at += (uint64_t)k;
	}
	return true;
}

/* One loaded file: immutable once loaded, shared by every handle. */
struct value_file {
	int fd = -1;
	uint32_t n = 0;              /* docids 1..n covered */
	std::vector<uint32_t> base;  /* where docid 1 + 32 k's value starts */
	std::vector<uint16_t> len;   /* each docid's stored length */
	uint64_t data_at = 0;        /* where the values start in the file */
	ZSTD_DDict *dict = nullptr;  /* none: values stored as they are */
	std::string held;            /* all the values, when they fit memory_bytes */
	bool in_memory = false;      /* held is all the values */
	~value_file()
	{
		if (fd >= 0)
			close(fd);
		ZSTD_freeDDict(dict);
	}
	uint64_t at(Xapian::docid id) const /* offset of id's stored value */
	{
		uint32_t k = (id - 1) / per_base;
		uint64_t o = base[k];
		for (Xapian::docid d = 1 + k * per_base; d < id; d++)
			o += len[d - 1];
		return o;
	}
};

/* The value stored as s (a frame without its magic), decoded. */
std::string unpack(const value_file &f, const char *s, size_t n)
{
	if (!f.dict || n == 0)
		return std::string(s, n);
	thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> dctx(ZSTD_createDCtx(),
									      ZSTD_freeDCtx);
	thread_local std::string whole; /* the frame with its magic */
	whole.assign(reinterpret_cast<const char *>(frame_magic), 4);
	whole.append(s, n);
	const char *frame = whole.data();
	unsigned long long size = ZSTD_getFrameContentSize(frame, n + 4);
	if (!dctx || size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    size > (1u << 20))
		throw Xapian::DatabaseCorruptError("value file: a value cannot be read");
	std::string out(size, '\0');
	size_t r = ZSTD_decompress_usingDDict(dctx.get(), size ? &out[0] : nullptr, size, frame,
					      n + 4, f.dict);
	if (ZSTD_isError(r) || r != size)
		throw Xapian::DatabaseCorruptError("value file: a value cannot be read");
	return out;
}

/* Loaded files by (path, slot, uuid). An entry without a file means "none
 * usable" for that revision and that state of the file (a stat of it): a
 * file written or replaced since is looked at again. */
struct known {
	std::shared_ptr<value_file> file;
	Xapian::rev revision = 0;
	std::string seen; /* the file's identity when it was looked at */
};
std::mutex files_lock;
std::map<std::string, known> files;

std::string identity(const std::string &name)
{
	struct stat st;
	if (stat(name.c_str(), &st) != 0)
		return std::string();
	return std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' +
	       std::to_string(st.st_size) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
	       std::to_string(st.st_mtim.tv_nsec);
}

/* The file for slot at path if it belongs to d; NULL otherwise. Throws
 * only as Xapian does (the sampled records' reads). */
std::shared_ptr<value_file> load(const std::string &name, Xapian::Database &d, unsigned slot,
				 const std::string &uuid)
{
	auto f = std::make_shared<value_file>();
	f->fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return nullptr;
	unsigned char h[header_bytes];
	struct stat st;
	if (!read_at(f->fd, h, sizeof h, 0) || memcmp(h, magic, sizeof magic) != 0 ||
	    get32(h + 8) != slot || fstat(f->fd, &st) != 0)
		return nullptr;
	f->n = get32(h + 12);
	uint64_t data_len = get64(h + 16), dict_len = get32(h + 24);
	std::string owner(reinterpret_cast<const char *>(h + uuid_at),
			  strnlen(reinterpret_cast<const char *>(h + uuid_at), uuid_max));
	f->data_at = header_bytes + dict_len;
	uint64_t lens_at = f->data_at + data_len;
	if (owner != uuid || (uint64_t)st.st_size != lens_at + 2 * (uint64_t)f->n)
		return nullptr;
	if (dict_len) {
		std::string dict(dict_len, '\0');
		if (!read_at(f->fd, &dict[0], dict.size(), header_bytes) ||
		    !(f->dict = ZSTD_createDDict(dict.data(), dict.size())))
			return nullptr;
	}
	std::vector<unsigned char> raw(2 * (size_t)f->n);
	if (!raw.empty() && !read_at(f->fd, raw.data(), raw.size(), lens_at))
		return nullptr;
	f->len.resize(f->n);
	f->base.reserve(f->n / per_base + 1);
	uint64_t o = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (i % per_base == 0)
			f->base.push_back((uint32_t)o);
		f->len[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
		o += f->len[i];
	}
	if (o != data_len || data_len > UINT32_MAX)
		return nullptr;
	/* FAIRMATCH_VALUE_FILE_HELD=0 reads every file by pread (tests and
	 * measurements of that path). */
	const char *hold = getenv("FAIRMATCH_VALUE_FILE_HELD");
	if (!(hold && strcmp(hold, "0") == 0) &&
	    data_len + f->len.size() * sizeof(uint16_t) + f->base.size() * sizeof(uint32_t) <=
		    memory_bytes) {
		f->held.resize(data_len);
		if (data_len && !read_at(f->fd, &f->held[0], data_len, f->data_at))
			return nullptr;
		f->in_memory = true;
	}
	/* A few documents' values against the stream: a file that does not
	 * describe this database (copied from another, or docids given out
	 * again) is not used. */
	Xapian::docid last = std::min<Xapian::docid>(f->n, d.get_lastdocid());
	for (unsigned k = 0; k < samples && last; k++) {
		Xapian::docid id = 1 + (Xapian::docid)((uint64_t)(last - 1) * k / (samples - 1));
		std::string want;
		try {
			want = d.get_document(id, Xapian::DOC_ASSUME_VALID).get_value(slot);
		} catch (const Xapian::DocNotFoundError &) {
			continue; /* deleted since */
		}
		std::string have(f->len[id - 1], '\0');
		if (!have.empty() && !read_at(f->fd, &have[0], have.size(), f->data_at + f->at(id)))
			return nullptr;
		try {
			if (unpack(*f, have.data(), have.size()) != want)
				return nullptr;
		} catch (const Xapian::DatabaseCorruptError &) {
			return nullptr;
		}
	}
	return f;
}

std::shared_ptr<value_file> file_for(index_db &h, unsigned slot, const std::string &uuid)
{
	std::string name = h.path + "/" + value_file_name(slot);
	std::string key = name + '\n' + uuid;
	Xapian::rev rev = h.db->get_revision();
	std::string seen;
	{
		std::lock_guard<std::mutex> hold(files_lock);
		auto it = files.find(key);
		if (it != files.end() && it->second.file)
			return it->second.file;
		/* One stat a search while there is no usable file. */
		seen = identity(name);
		if (it != files.end() && it->second.revision == rev && it->second.seen == seen)
			return nullptr;
	}
	/* Loaded outside the lock (a few MB read once); two threads may both
	 * load it, and the second keeps the first's. */
	std::shared_ptr<value_file> f = seen.empty() ? nullptr : load(name, *h.db, slot, uuid);
	std::lock_guard<std::mutex> hold(files_lock);
	known &k = files[key];
	if (!k.file) {
		k.file = f;
		k.revision = rev;
		k.seen = seen;
	}
	return k.file;
}

} /* namespace */

std::string value_file_name(unsigned slot)
{
	return "fairmatch-values-" + std::to_string(slot);
}

void write_value_file(const std::string &dir, unsigned slot)
{
	Xapian::Database d(dir);
	std::string name = dir + "/" + value_file_name(slot);
	std::string tmp = name + ".tmp";
	std::string uuid = d.get_uuid();
	Xapian::docid n = d.get_lastdocid();
	if (uuid.size() >= uuid_max)
		throw Xapian::InvalidArgumentError("database uuid too long for a value file");
	/* The dictionary, from values spread over the docids. */
	std::string dict;
	{
		Xapian::doccount have = d.get_value_freq(slot);
		Xapian::doccount every = std::max<Xapian::doccount>(1, have / dict_samples);
		std::vector<std::string> kept;
		std::vector<const std::string *> samples_of;
		Xapian::doccount k = 0;
		for (Xapian::ValueIterator v = d.valuestream_begin(slot); v != d.valuestream_end(slot);
		     ++v)
			if (k++ % every == 0)
				kept.push_back(*v);
		for (const std::string &x : kept)
			samples_of.push_back(&x);
		dict = train_dictionary(samples_of, dict_cap);
	}
	std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
	std::unique_ptr<ZSTD_CDict, size_t (*)(ZSTD_CDict *)> cdict(
		dict.empty() ? nullptr : ZSTD_createCDict(dict.data(), dict.size(), level),
		ZSTD_freeCDict);
	if (!cctx || (!dict.empty() && !cdict))
		throw std::bad_alloc();
	closer c{open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
	if (c.fd < 0)
		throw Xapian::DatabaseError("value file: cannot create " + tmp, errno);
	unsigned char h[header_bytes] = {0};
	/* The header last, once the lengths are known. */
	if (!write_all(c.fd, h, sizeof h) || !write_all(c.fd, dict.data(), dict.size()))
		throw Xapian::DatabaseError("value file: cannot write " + tmp, errno);
	std::vector<uint16_t> lens;
	lens.reserve(n);
	std::string buf, frame;
	uint64_t len = 0;
	auto flush = [&](bool all) {
		if ((all || buf.size() >= (1u << 20)) && !write_all(c.fd, buf.data(), buf.size()))
			throw Xapian::DatabaseError("value file: cannot write " + tmp, errno);
		if (all || buf.size() >= (1u << 20))
			buf.clear();
	};
	for (Xapian::ValueIterator v = d.valuestream_begin(slot); v != d.valuestream_end(slot);
	     ++v) {
		Xapian::docid id = v.get_docid();
		if (id > n)
			break;
		while (lens.size() + 1 < id)
			lens.push_back(0); /* no value */
		std::string val = *v;
		const char *out = val.data();
		size_t size = val.size();
		if (cdict && size) {
			frame.resize(ZSTD_compressBound(size));
			ZSTD_CCtx_reset(cctx.get(), ZSTD_reset_session_and_parameters);
			ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 0);
			ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 1);
			ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_dictIDFlag, 0);
			size_t r = ZSTD_isError(ZSTD_CCtx_refCDict(cctx.get(), cdict.get()))
					   ? 0
					   : ZSTD_compress2(cctx.get(), &frame[0], frame.size(),
							    val.data(), val.size());
			if (ZSTD_isError(r) || r <= 4 || memcmp(frame.data(), frame_magic, 4) != 0)
				throw Xapian::DatabaseError("value file: a value cannot be compressed");
			out = frame.data() + 4;
			size = r - 4;
		}
		if (size > UINT16_MAX)
			throw Xapian::InvalidArgumentError("value file: a value over 64 KB");
		len += size;
		if (len > UINT32_MAX)
			throw Xapian::InvalidArgumentError("value file: values over 4 GB");
		buf.append(out, size);
		lens.push_back((uint16_t)size);
		flush(false);
	}
	while (lens.size() < n)
		lens.push_back(0);
	for (uint16_t l : lens) {
		buf += (char)(l & 0xff);
		buf += (char)(l >> 8);
		flush(false);
	}
	flush(true);
	memcpy(h, magic, sizeof magic);
	put32(h + 8, slot);
	put32(h + 12, n);
	put64(h + 16, len);
	put32(h + 24, (uint32_t)dict.size());
	memcpy(h + uuid_at, uuid.data(), uuid.size());
	if (pwrite(c.fd, h, sizeof h, 0) != sizeof h || fsync(c.fd) != 0)
		throw Xapian::DatabaseError("value file: cannot write " + tmp, errno);
	if (rename(tmp.c_str(), name.c_str()) != 0)
		throw Xapian::DatabaseError("value file: cannot rename " + tmp, errno);
}

void remove_value_files(const std::string &dir)
{
	/* Every slot a file could be written for (Xapian's valueno is 32-bit,
	 * but the schema's slots are small). */
	for (unsigned slot = 0; slot < 64; slot++)
		unlink((dir + "/" + value_file_name(slot)).c_str());
}

std::vector<std::pair<Xapian::docid, size_t>>
file_values(index_db &h, unsigned slot, const std::string &uuid,
	    const std::vector<std::pair<Xapian::docid, size_t>> &order,
	    std::vector<std::string> &values, int *held, bool held_only)
{
	*held = -1;
	if (order.empty())
		return order;
	if (h.path.empty() || uuid.empty())
		return order;
	std::shared_ptr<value_file> f = file_for(h, slot, uuid);
	if (!f)
		return order;
	*held = f->in_memory ? 1 : 0;
	if (held_only && !f->in_memory)
		return order;
	std::vector<std::pair<Xapian::docid, size_t>> missing;
	if (f->in_memory) {
		for (const auto &p : order) {
			if (p.first == 0 || p.first > f->n)
				missing.push_back(p);
			else
				values[p.second] =
					unpack(*f, f->held.data() + f->at(p.first), f->len[p.first - 1]);
		}
		return missing;
	}
	std::string span;
	size_t i = 0;
	while (i < order.size()) {
		Xapian::docid id = order[i].first;
		if (id == 0 || id > f->n) {
			missing.push_back(order[i++]);
			continue;
		}
		/* The values from order[i] on that lie close together. */
		std::vector<uint64_t> at(1, f->at(id));
		uint64_t from = at[0], to = from + f->len[id - 1];
		size_t j = i + 1;
		for (; j < order.size() && order[j].first <= f->n && order[j].first > 0; j++) {
			Xapian::docid next = order[j].first;
			uint64_t o = f->at(next);
			if (o > to + span_gap || o + f->len[next - 1] - from > span_max)
				break;
			at.push_back(o);
			to = o + f->len[next - 1];
		}
		span.resize(to - from);
		if (!span.empty() &&
		    !read_at(f->fd, &span[0], span.size(), f->data_at + from))
			throw Xapian::DatabaseError("value file: cannot read", errno);
		for (size_t k = 0; i < j; i++, k++)
			values[order[i].second] = unpack(*f, span.data() + (at[k] - from),
							f->len[order[i].first - 1]);
	}
	return missing;
}

} /* namespace fairmatch_index */
