"""espeak-ng voices that /work/shared/corpus lacks, for our own check sets. None of the voices kept
for evaluation (issue 19: flite kal, kal16 and slt, and others no Debian package here installs)."""
OTHER_ESPEAK = ['en-us+m5', 'en-gb+m3', 'en-us+f4', 'en-gb-x-rp+m2', 'en+f3']
