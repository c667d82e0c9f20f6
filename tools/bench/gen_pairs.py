#!/usr/bin/env python3
# tools/bench/gen_pairs.py - synthetic default-format (v2) flow log for
# throughput and memory runs of `flowstitch sessions`.
#   usage: python3 tools/bench/gen_pairs.py RECORDS OUT.log
# RECORDS/4 TCP connections between 200 ENIs (one address each, 10.0.x.y),
# each logged 4 times (both directions at both ENIs, the second ENI's window
# 17 s later), start within 2 hours, lines shuffled (seed 1, deterministic):
# RECORDS/4 sessions (a few fewer when a 5-tuple repeats).  Not realistic
# traffic (use tools/flowgen for that); a worst case for memory locality.
import random, sys
random.seed(1)
N=int(sys.argv[1])
out=open(sys.argv[2],'w')
enis=['eni-%017x'%i for i in range(200)]
ips=['10.0.%d.%d'%(i//250,i%250+1) for i in range(200)]
t0=1764237600
w=[]
for c in range(N//4):
    a=random.randrange(200); b=random.randrange(200)
    if a==b: b=(b+1)%200
    sp=random.randrange(32768,61000); dp=random.choice([80,443,5432,6379,22])
    ts=t0+random.randrange(0,7200); te=ts+random.randrange(0,50)
    p1=random.randrange(1,100); b1=p1*random.randrange(60,1500); p2=random.randrange(1,100); b2=p2*random.randrange(60,1500)
    for (e,s,d,spp,dpp,p,by,off) in ((a,a,b,sp,dp,p1,b1,0),(a,b,a,dp,sp,p2,b2,0),(b,a,b,sp,dp,p1,b1,17),(b,b,a,dp,sp,p2,b2,17)):
        w.append('2 123456789012 %s %s %s %d %d 6 %d %d %d %d ACCEPT OK\n'%(enis[e],ips[s],ips[d],spp,dpp,p,by,ts+off,te+off))
random.shuffle(w)
out.writelines(w)
