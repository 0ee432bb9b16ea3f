#!/usr/bin/perl
# ctlclient.pl: raw control-socket clients for tests/net/control.sh, doing what the CLI never
# does. REQ is a Perl double-quoted string ("\n", "\0", "\xff" work).
#   ctlclient.pl SOCK ask REQ          send REQ, read the reply to its end, print it
#   ctlclient.pl SOCK halfclose REQ    send REQ, shut down the writing side, then read and print
#   ctlclient.pl SOCK hold N SECS [REQ] open N connections (sending REQ on each when given),
#                                      read nothing for SECS seconds, then print one line per
#                                      connection: what it then reads ("closed" when nothing)
use strict;
use warnings;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM SHUT_WR);

my ($sock, $mode, @rest) = @ARGV;
sub conn {
	my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $sock) or die "connect $sock: $!\n";
	return $s;
}
sub unq { my $r = shift; return eval "\"$r\""; }
sub slurp {
	my $s = shift;
	my ($buf, $all) = ('', '');
	while (sysread($s, $buf, 65536)) { $all .= $buf; }
	return $all;
}
if ($mode eq 'ask' || $mode eq 'halfclose') {
	my $s = conn();
	print $s unq($rest[0]);
	$s->flush;
	shutdown($s, SHUT_WR) if $mode eq 'halfclose';
	local $SIG{ALRM} = sub { print "TIMEOUT\n"; exit 1; };
	alarm 20;
	print slurp($s);
	exit 0;
}
if ($mode eq 'hold') {
	my ($n, $secs, $req) = @rest;
	my @c;
	for (1 .. $n) {
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $sock);
		last unless $s;
		if (defined $req) { print $s unq($req); $s->flush; }
		push @c, $s;
	}
	sleep $secs;
	for my $s (@c) {
		$s->blocking(0);
		my $buf = '';
		my $r = sysread($s, $buf, 200);
		if (defined $r && $r > 0) { $buf =~ s/\n.*//s; print "$buf\n"; }
		elsif (defined $r) { print "closed\n"; }
		else { print "open\n"; }
	}
	exit 0;
}
die "usage: ctlclient.pl SOCK ask|halfclose|hold ...\n";
