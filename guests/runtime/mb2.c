#include <stddef.h>

#include "mb2.h"

static const uint8_t *after(const struct mb2_tag *tag)
{
	return (const uint8_t *)tag + ((tag->size + MB2_TAG_ALIGN - 1) & ~(uint32_t)(MB2_TAG_ALIGN - 1));
}

const struct mb2_tag *mb2_find_tag(const struct mb2_info *mbi, uint32_t type)
{
	return mb2_next_tag(mbi, NULL, type);
}

const struct mb2_tag *mb2_next_tag(const struct mb2_info *mbi, const struct mb2_tag *prev,
				   uint32_t type)
{
	const uint8_t *p, *end;

	if (!mbi)
		return NULL;
	p = prev ? after(prev) : (const uint8_t *)(mbi + 1);
	end = (const uint8_t *)mbi + mbi->total_size;
	/* 3.6.2: tags follow one another 8-byte aligned; the end tag (type
	 * 0) closes the list.  The size checks keep a damaged list from
	 * sending us outside it. */
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const struct mb2_tag *)p;

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		if (tag->type == type)
			return tag;
		p = after(tag);
	}
	return NULL;
}

static const char *tag_string(const struct mb2_info *mbi, uint32_t type)
{
	const struct mb2_tag *tag = mb2_find_tag(mbi, type);

	return tag ? ((const struct mb2_tag_string *)tag)->string : NULL;
}

const char *mb2_cmdline(const struct mb2_info *mbi)
{
	return tag_string(mbi, MB2_TAG_CMDLINE);
}

const char *mb2_loader_name(const struct mb2_info *mbi)
{
	return tag_string(mbi, MB2_TAG_BOOT_LOADER_NAME);
}

const struct mb2_mmap_entry *mb2_mmap_next(const struct mb2_info *mbi,
					   const struct mb2_mmap_entry *prev)
{
	const struct mb2_tag_mmap *map;
	const uint8_t *first, *next, *end;

	map = (const struct mb2_tag_mmap *)mb2_find_tag(mbi, MB2_TAG_MMAP);
	/* 3.6.8: entry_size may grow in later versions; step by it. */
	if (!map || map->entry_size < sizeof(struct mb2_mmap_entry))
		return NULL;
	first = (const uint8_t *)(map + 1);
	end = (const uint8_t *)map + map->size;
	next = prev ? (const uint8_t *)prev + map->entry_size : first;
	if (next + sizeof(struct mb2_mmap_entry) > end)
		return NULL;
	return (const struct mb2_mmap_entry *)next;
}
