#!/bin/sh
# pre-mount hook of a dracut initramfs without systemd
/usr/lib/torpor/torpor-initrd-resume
