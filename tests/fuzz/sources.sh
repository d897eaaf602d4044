# sources.sh - sourced by regress.sh and run.sh (after LIBNET_LIBS is set).
# Each harness links only the layers it needs: the decoder's, util and
# decode (no libnet); the control protocol's, those and its two files;
# replay's, every layer but main.c (watch's HTTP server among them).
sources() {
	case $1 in
	segment) ls src/util/*.c src/decode/*.c ;;
	ctl) ls src/util/*.c src/decode/*.c src/tcp/ctlproto.c src/tcp/ctlseg.c ;;
	*) ls src/*/*.c | grep -v '^src/cmd/main\.c$' ;;
	esac
}
libs() {
	case $1 in
	segment|ctl) echo -lpcap ;;
	*) echo "-lpcap $LIBNET_LIBS -lmicrohttpd -pthread -lm" ;;
	esac
}
