//! Union-find over the reach graph's nodes, used to split an instance into parts that
//! never interact (the solver's components, the bound's independent price blocks).

/// Disjoint sets over `0..n`; the smaller root always wins, so the partition and its
/// representatives do not depend on the order of unions.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    /// The representative (smallest member reached so far) of `x`'s set.
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Merges the sets of `a` and `b`.
    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_does_not_depend_on_union_order() {
        let mut a = UnionFind::new(6);
        a.union(4, 2);
        a.union(2, 0);
        a.union(5, 3);
        let mut b = UnionFind::new(6);
        b.union(0, 2);
        b.union(3, 5);
        b.union(2, 4);
        for x in 0..6 {
            assert_eq!(a.find(x), b.find(x));
        }
        assert_eq!(a.find(4), 0);
        assert_eq!(a.find(5), 3);
        assert_eq!(a.find(1), 1);
    }
}
