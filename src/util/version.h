/* version.h - kaprobe's version: --version, and the head of a report. */
#ifndef KAPROBE_VERSION_H
#define KAPROBE_VERSION_H

#define KAPROBE_VERSION "0.1.0"

#endif
