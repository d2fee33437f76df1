import java.util.Scanner;

public class OverallWinner {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int n = in.nextInt();
        String s = in.next();
        long t = s.chars().filter(c -> c == 'T').count(), a = n - t;
        if (t != a) {
            System.out.println(t > a ? "T" : "A");
        } else {
            System.out.println(s.charAt(n - 1) == 'T' ? "A" : "T");
        }
    }
}
