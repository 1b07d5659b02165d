// SPDX-License-Identifier: MIT
/*
 * Map a call site to a function name with libelf. The recording keeps the
 * instruction pointer but not the load base, so only addresses that fall
 * inside the file's own PT_LOAD segments at their link addresses (non-PIE
 * executables) can be named; anything else is reported as unknown rather
 * than guessed.
 */
#include "generator/gen.h"
#include "common/elf.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool in_segments(Elf *e, uint64_t ip)
{
	size_t n;

	if (elf_getphdrnum(e, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (ip >= ph.p_vaddr && ip - ph.p_vaddr < ph.p_memsz)
			return true;
	}
	return false;
}

/* Best function symbol containing ip in one symbol table section type. */
static bool lookup(Elf *e, Elf64_Word type, uint64_t ip, char *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;

			if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_value)
				continue;
			if (ip < s.st_value || ip - s.st_value >= (s.st_size ? s.st_size : 1))
				continue;
			name = elf_strptr(e, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			if (ip == s.st_value)
				snprintf(buf, len, "%s", name);
			else
				snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)(ip - s.st_value));
			return true;
		}
	}
	return false;
}

int gen_symbolize(const char *path, uint64_t ip, char *buf, size_t len)
{
	cp_autoclose int fd = -1;
	cp_autoelf *e = NULL;
	int r;

	if (!path || !*path || !ip)
		return -ENOENT;
	r = cp_elf_open(path, &fd, &e);
	if (r < 0)
		return r;
	if (!in_segments(e, ip))
		return -ENOENT;
	if (lookup(e, SHT_SYMTAB, ip, buf, len) || lookup(e, SHT_DYNSYM, ip, buf, len))
		return 0;
	return -ENOENT;
}
