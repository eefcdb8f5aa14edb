/*
 * datacodec.cc - document data compressed with a dictionary the database
 * holds (index_train_data_dictionary, and the reading side every hit's
 * data goes through).
 *
 * Xapian compresses each document's data on its own with zlib, which has
 * little to work with in a text of a kilobyte: the same keys, phrases and
 * labels in every document are paid for again in each. A zstd dictionary
 * trained on a sample of the documents holds what they share, so a
 * document pays only for what is its own (docs/index.md, "What a vacancy
 * costs"). libzstd is Debian's (libzstd-dev).
 *
 * Format: data written while the writer has a dictionary is one zstd
 * frame (magic 28 b5 2f fd, the content size and the dictionary's id in
 * its header); other data is stored as given, unless it happens to begin
 * with the frame magic, when it is framed without a dictionary so that
 * reading is never ambiguous. The dictionary is the metadata value
 * dict_key, written with the documents (so compaction and every shard
 * carry it); its id is derived from its bytes. A reader loads it when it
 * meets the first frame that names it, and again after a reopen that
 * moved to another revision. A frame naming a dictionary the database
 * does not hold is an error (DatabaseCorruptError), never wrong text.
 */
#include "index/handle.hh"
#include "index/index.h"

#include <xapian.h>
#include <zdict.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace fairmatch_index {

namespace {

const char dict_key[] = "index.data_dictionary";
const unsigned char frame_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
/* zstd's default level: on the bench's cards level 9 was 9% smaller at
 * six times the CPU (25 against 4 us a card; docs/index.md). */
const int level = 3;
/* Larger than any vacancy; a frame claiming more is corrupt. */
const unsigned long long max_content = 64ull << 20;

bool framed(const std::string &s)
{
	return s.size() >= 4 && memcmp(s.data(), frame_magic, 4) == 0;
}

/* A dictionary id from its bytes (all but the id field of its header,
 * bytes 4-7), in 32768..65535: two bytes in a frame header, and ids below
 * 32768 are left to zstd's registry. */
unsigned id_of(const std::string &dict)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < dict.size(); i++)
		if (i < 4 || i >= 8)
			h = (h ^ (unsigned char)dict[i]) * 16777619u;
	return 32768u + (h % 32768u);
}

[[noreturn]] void corrupt(const char *why)
{
	throw Xapian::DatabaseCorruptError(std::string("document data: ") + why);
}

} /* namespace */

struct data_codec {
	ZSTD_DCtx *dctx = nullptr;
	ZSTD_DDict *ddict = nullptr;
	unsigned did = 0;
	ZSTD_CCtx *cctx = nullptr;
	ZSTD_CDict *cdict = nullptr;
	bool writer_loaded = false; /* the writer has looked for a dictionary */

	~data_codec()
	{
		ZSTD_freeDCtx(dctx);
		ZSTD_freeDDict(ddict);
		ZSTD_freeCCtx(cctx);
		ZSTD_freeCDict(cdict);
	}
};

void codec_free::operator()(data_codec *c) const noexcept
{
	delete c;
}

namespace {

data_codec &codec_of(index_db &h)
{
	if (!h.codec)
		h.codec.reset(new data_codec);
	return *h.codec;
}

/* The writer's dictionary as the compression side: dict (its bytes). */
void use_for_writing(data_codec &c, const std::string &dict)
{
	ZSTD_CDict *cd = ZSTD_createCDict(dict.data(), dict.size(), level);
	if (!cd)
		throw std::bad_alloc();
	ZSTD_freeCDict(c.cdict);
	c.cdict = cd;
}

} /* namespace */

std::string decode_data(index_db &h, std::string &&raw)
{
	if (!framed(raw))
		return std::move(raw);
	data_codec &c = codec_of(h);
	unsigned id = ZSTD_getDictID_fromFrame(raw.data(), raw.size());
	unsigned long long n = ZSTD_getFrameContentSize(raw.data(), raw.size());
	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > max_content)
		corrupt("not a frame this index writes");
	if (id && id != c.did) {
		std::string dict = h.db->get_metadata(dict_key);
		if (dict.empty() || id_of(dict) != id || ZDICT_getDictID(dict.data(), dict.size()) != id)
			corrupt("compressed with a dictionary the index does not hold");
		ZSTD_DDict *dd = ZSTD_createDDict(dict.data(), dict.size());
		if (!dd)
			throw std::bad_alloc();
		ZSTD_freeDDict(c.ddict);
		c.ddict = dd;
		c.did = id;
	}
	if (!c.dctx && !(c.dctx = ZSTD_createDCtx()))
		throw std::bad_alloc();
	std::string out((size_t)n, '\0');
	size_t r = id ? ZSTD_decompress_usingDDict(c.dctx, &out[0], out.size(), raw.data(),
						   raw.size(), c.ddict)
		      : ZSTD_decompressDCtx(c.dctx, &out[0], out.size(), raw.data(), raw.size());
	if (ZSTD_isError(r) || r != n)
		corrupt(ZSTD_isError(r) ? ZSTD_getErrorName(r) : "shorter than its header says");
	return out;
}

void encode_data(index_db &w, Xapian::Document &doc)
{
	data_codec &c = codec_of(w);
	if (!c.writer_loaded) {
		std::string dict = w.w->get_metadata(dict_key);
		if (!dict.empty())
			use_for_writing(c, dict);
		c.writer_loaded = true;
	}
	std::string data = doc.get_data();
	if (data.empty() || (!c.cdict && !framed(data)))
		return;
	if (!c.cctx && !(c.cctx = ZSTD_createCCtx()))
		throw std::bad_alloc();
	std::string out(ZSTD_compressBound(data.size()), '\0');
	ZSTD_CCtx_reset(c.cctx, ZSTD_reset_session_and_parameters);
	ZSTD_CCtx_setParameter(c.cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(c.cctx, ZSTD_c_checksumFlag, 0);
	ZSTD_CCtx_setParameter(c.cctx, ZSTD_c_contentSizeFlag, 1);
	ZSTD_CCtx_setParameter(c.cctx, ZSTD_c_dictIDFlag, 1);
	if (c.cdict && ZSTD_isError(ZSTD_CCtx_refCDict(c.cctx, c.cdict)))
		throw std::bad_alloc();
	size_t r = ZSTD_compress2(c.cctx, &out[0], out.size(), data.data(), data.size());
	if (ZSTD_isError(r))
		throw Xapian::InternalError(std::string("compressing document data: ") +
					    ZSTD_getErrorName(r));
	out.resize(r);
	doc.set_data(out);
}

void codec_forget(index_db &h) noexcept
{
	if (!h.codec)
		return;
	/* A reader loads the dictionary again on its next frame; a writer
	 * reads it again from the database (a discarded dictionary is gone). */
	ZSTD_freeDDict(h.codec->ddict);
	h.codec->ddict = nullptr;
	h.codec->did = 0;
	ZSTD_freeCDict(h.codec->cdict);
	h.codec->cdict = nullptr;
	h.codec->writer_loaded = false;
}

namespace {

/* Trains a dictionary on samples (concatenated in buf, their sizes in
 * sizes), of at most cap bytes; "" when zstd finds too little to learn. */
std::string train(const std::string &buf, const std::vector<size_t> &sizes, size_t cap)
{
	std::string dict(cap, '\0');
	size_t r = ZDICT_trainFromBuffer(&dict[0], cap, buf.data(), sizes.data(),
					 (unsigned)sizes.size());
	if (ZDICT_isError(r) || r < 8)
		return std::string();
	dict.resize(r);
	/* The header's id field (bytes 4-7, little-endian), which zstd
	 * writes into every frame, becomes the one derived from the bytes. */
	unsigned id = id_of(dict);
	for (int i = 0; i < 4; i++)
		dict[4 + i] = (char)((id >> (8 * i)) & 0xff);
	/* Only a dictionary in zstd's format has the field (and its magic). */
	if (ZDICT_getDictID(dict.data(), dict.size()) != id)
		return std::string();
	return dict;
}

} /* namespace */

void install_dictionary(index_db &w, const std::string &dict)
{
	if (!w.in_txn) {
		w.w->begin_transaction(true);
		w.in_txn = true;
	}
	w.w->set_metadata(dict_key, dict);
	use_for_writing(codec_of(w), dict);
	codec_of(w).writer_loaded = true;
}

bool has_dictionary(index_db &h)
{
	return !h.db->get_metadata(dict_key).empty();
}

std::string train_dictionary(const std::vector<const std::string *> &samples, size_t cap)
{
	std::string buf;
	std::vector<size_t> sizes;
	for (const std::string *s : samples) {
		if (s->empty() || framed(*s))
			continue;
		buf += *s;
		sizes.push_back(s->size());
	}
	if (sizes.size() < 100)
		return std::string();
	return train(buf, sizes, cap);
}

} /* namespace fairmatch_index */
